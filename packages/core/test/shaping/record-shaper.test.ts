import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import { DEFAULT_COLUMNS, DIAGNOSTIC_CHANNELS, SYSLOG_PRESET, type WarningEvent } from '../../src/index.ts'
import { MAX_NOTICES } from '../../src/shaping/conform-notices.ts'
import { createRecordShaper, type RecordShaperOptions } from '../../src/shaping/record-shaper.ts'

const declaration = { streamName: 'Custom-AppLogs', columns: DEFAULT_COLUMNS }

const shaper = (over: Partial<RecordShaperOptions> = {}) => {
  const warnings: { message: string; code: string }[] = []
  const s = createRecordShaper({
    preset: undefined,
    presetOptions: undefined,
    declaration,
    conform: 'convert',
    target: 'stream Custom-AppLogs',
    emitWarning: (message, o) => warnings.push({ message, code: o.code }),
    ...over,
  })
  return { s: s!, warnings }
}

describe('createRecordShaper', () => {
  it('is absent without a preset and a declaration, or with conform off and no preset', () => {
    expect(
      createRecordShaper({
        preset: undefined,
        presetOptions: undefined,
        declaration: undefined,
        conform: 'convert',
        target: 't',
      }),
    ).toBeUndefined()
    expect(
      createRecordShaper({ preset: undefined, presetOptions: undefined, declaration, conform: 'off', target: 't' }),
    ).toBeUndefined()
  })

  it('returns a conforming record itself, and counts it', () => {
    const { s, warnings } = shaper()
    const record = { TimeGenerated: new Date(), SeverityNumber: 9, Body: 'ok', Attributes: { a: 1 } }
    expect(s.shape(record)).toBe(record)
    expect(s.stats()).toEqual({
      mode: 'convert',
      records: 1,
      changed: 0,
      converted: 0,
      droppedValues: 0,
      unknownFields: 0,
      unknownFieldNames: [],
    })
    expect(warnings).toEqual([])
  })

  it('converts values, leaves out undeclared fields and unconvertible values, and warns once per field', () => {
    const { s, warnings } = shaper()
    const shaped = s.shape({ SeverityNumber: '17', Body: 'x', Sevrity: 'error', TraceFlags: 'abc' })
    expect(shaped).toEqual({ SeverityNumber: 17, Body: 'x' })
    s.shape({ SeverityNumber: '9', Body: 'y', Sevrity: 'info', TraceFlags: 'no' })
    expect(s.stats()).toMatchObject({
      records: 2,
      changed: 2,
      converted: 2,
      droppedValues: 2,
      unknownFields: 2,
      unknownFieldNames: ['Sevrity'],
    })
    expect(warnings.map((w) => w.code)).toEqual(['DCR_LOGS_UNDECLARED_FIELD', 'DCR_LOGS_UNCONVERTIBLE_VALUE'])
    expect(warnings[0]!.message).toContain('field "Sevrity" is not declared in stream Custom-AppLogs')
    expect(warnings[0]!.message).toContain('it is not sent')
    expect(warnings[1]!.message).toContain(
      'column "TraceFlags" of stream Custom-AppLogs is declared int, but a value is a string that is not a number',
    )
    // never the values themselves
    expect(warnings.map((w) => w.message).join()).not.toContain('abc')
  })

  it("in 'check' mode sends the record unchanged and counts what 'convert' would change", () => {
    const { s, warnings } = shaper({ conform: 'check' })
    const record = { SeverityNumber: '17', Colour: 'red' }
    expect(s.shape(record)).toBe(record)
    expect(s.stats()).toMatchObject({ mode: 'check', changed: 1, converted: 1, unknownFields: 1 })
    expect(warnings[0]!.message).toContain('the service drops it without an error')
  })

  it('suggests the declared column a misspelled field meant', () => {
    const { s, warnings } = shaper()
    s.shape({ body: 'lower case' })
    expect(warnings[0]!.message).toContain('(did you mean "Body"?)')
  })

  it('publishes warnings on the dcr-logs:warning channel with their code', () => {
    const events: WarningEvent[] = []
    const listener = (e: unknown) => events.push(e as WarningEvent)
    subscribe(DIAGNOSTIC_CHANNELS.warning, listener)
    try {
      shaper().s.shape({ Nope: 1 })
    } finally {
      unsubscribe(DIAGNOSTIC_CHANNELS.warning, listener)
    }
    expect(events).toEqual([expect.objectContaining({ code: 'DCR_LOGS_UNDECLARED_FIELD' })])
  })

  it('stops naming new fields past the bound, says so once, and keeps counting', () => {
    const { s, warnings } = shaper()
    for (let i = 0; i < MAX_NOTICES + 50; i++) s.shape({ [`field${i}`]: i })
    expect(warnings).toHaveLength(MAX_NOTICES + 1)
    expect(warnings.at(-1)!.message).toContain(`more than ${MAX_NOTICES} undeclared fields`)
    expect(s.stats()).toMatchObject({ unknownFields: MAX_NOTICES + 50 })
    expect(s.stats()!.unknownFieldNames).toHaveLength(MAX_NOTICES)
  })

  it('maps with the preset first, then checks against its columns', () => {
    const { s, warnings } = shaper({
      preset: 'syslog',
      presetOptions: { facility: 'local3' },
      declaration: { streamName: SYSLOG_PRESET.streamName, columns: SYSLOG_PRESET.columns },
    })
    const out = s.shape({
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      SeverityText: 'warn',
      Body: 'disk',
      HostName: 'h1',
    })
    expect(out).toEqual({
      TimeGenerated: '2026-01-15T10:00:00.000Z',
      EventTime: '2026-01-15T10:00:00.000Z',
      Computer: 'h1',
      HostName: 'h1',
      Facility: 'local3',
      SeverityLevel: 'warning',
      SyslogMessage: 'disk',
    })
    expect(s.stats()).toMatchObject({ records: 1, changed: 0 })
    expect(warnings).toEqual([])
  })

  it("maps with the preset and keeps no counters with conform 'off'", () => {
    const s = createRecordShaper({
      preset: 'syslog',
      presetOptions: undefined,
      declaration,
      conform: 'off',
      target: 't',
    })!
    expect(s.shape({ Body: 'b' })).toMatchObject({ SyslogMessage: 'b', Facility: 'user' })
    expect(s.stats()).toBeUndefined()
  })

  it('hands a value that is not a record on unchanged, for the client to refuse', () => {
    for (const s of [shaper().s, shaper({ preset: 'syslog' }).s, shaper({ preset: 'syslog', conform: 'off' }).s]) {
      expect(s.shape(null as never)).toBeNull()
      expect(s.shape('text' as never)).toBe('text')
      expect(s.shape([1] as never)).toEqual([1])
    }
  })
})
