import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { COMMON_SECURITY_LOG_PRESET, DEFAULT_COLUMNS, resolveOptions, SYSLOG_PRESET } from '../../src/index.ts'
import { loadStreamDeclaration } from '../../src/shaping/load-declaration.ts'

const base = { endpoint: 'https://x.ingest.monitor.azure.com', ruleId: 'dcr-00000000000000000000000000000000' }
const dir = mkdtempSync(join(tmpdir(), 'dcr-logs-shaping-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

describe('preset, streamDeclaration and conform options', () => {
  it('are absent by default, with conform "convert"', () => {
    const o = resolveOptions(base, {})
    expect(o).toMatchObject({ preset: undefined, streamDeclaration: undefined, conform: 'convert', routes: [] })
  })

  it("take the preset's stream as the default streamName; an explicit or env streamName wins", () => {
    expect(resolveOptions({ ...base, preset: 'syslog' }, {}).streamName).toBe(SYSLOG_PRESET.streamName)
    expect(resolveOptions({ ...base, preset: 'commonsecuritylog' as 'commonSecurityLog' }, {})).toMatchObject({
      preset: 'commonSecurityLog',
      streamName: COMMON_SECURITY_LOG_PRESET.streamName,
    })
    expect(resolveOptions({ ...base, preset: 'syslog', streamName: 'Custom-Mine' }, {}).streamName).toBe('Custom-Mine')
    expect(
      resolveOptions({ ...base }, { DCR_LOGS_PRESET: 'syslog', DCR_LOGS_STREAM_NAME: 'Custom-Env' }),
    ).toMatchObject({
      preset: 'syslog',
      streamName: 'Custom-Env',
    })
  })

  it('read DCR_LOGS_STREAM_DECLARATION as a file path or as JSON, and DCR_LOGS_CONFORM', () => {
    expect(resolveOptions(base, { DCR_LOGS_STREAM_DECLARATION: '/etc/dcr.json' }).streamDeclaration).toEqual({
      file: '/etc/dcr.json',
    })
    expect(
      resolveOptions(base, {
        DCR_LOGS_STREAM_DECLARATION: '[{"name":"Body","type":"string"}]',
        DCR_LOGS_CONFORM: 'check',
      }),
    ).toMatchObject({ streamDeclaration: [{ name: 'Body', type: 'string' }], conform: 'check' })
  })

  it.each([
    [{ preset: 'sislog' }, /Invalid option "preset": expected one of "syslog", "commonSecurityLog" \(got "sislog"\)/],
    [{ conform: 'fix' }, /Invalid option "conform": expected "convert", "check", "off"/],
    [{ streamDeclaration: 'dcr.json' }, /Invalid option "streamDeclaration": expected the columns/],
    [{ presetOptions: { facilty: 'auth' } }, /Invalid option "presetOptions.facilty"/],
    [{ presetOptions: { facility: 3 } }, /Invalid option "presetOptions.facility": expected a non-empty string/],
  ])('reject %j with an actionable message', (over, message) => {
    expect(() => resolveOptions({ ...base, ...(over as object) }, {})).toThrow(message)
  })
})

describe('loadStreamDeclaration', () => {
  const shaping = (streamDeclaration: unknown, preset?: 'syslog') =>
    ({ streamDeclaration, preset }) as Parameters<typeof loadStreamDeclaration>[0]

  it('takes the columns inline, or the preset columns when none are given', () => {
    expect(loadStreamDeclaration(shaping([{ name: 'Body', type: 'string' }]), 'Custom-A')).toEqual({
      streamName: 'Custom-A',
      columns: [{ name: 'Body', type: 'string' }],
    })
    expect(loadStreamDeclaration(shaping(undefined, 'syslog'), 'Custom-S')?.columns).toBe(SYSLOG_PRESET.columns)
    expect(loadStreamDeclaration(shaping(undefined), 'Custom-A')).toBeUndefined()
  })

  it("reads a DCR file and picks the client's stream", () => {
    const path = file('two-streams.dcr.json', {
      location: 'westeurope',
      kind: 'Direct',
      properties: {
        streamDeclarations: {
          'Custom-A': { columns: [{ name: 'Body', type: 'string' }] },
          'Custom-B': { columns: DEFAULT_COLUMNS },
        },
        destinations: { logAnalytics: [{ workspaceResourceId: '/subscriptions/s/ws', name: 'ws' }] },
        dataFlows: [
          { streams: ['Custom-A'], destinations: ['ws'], transformKql: 'source', outputStream: 'Custom-A_CL' },
          { streams: ['Custom-B'], destinations: ['ws'], transformKql: 'source', outputStream: 'Custom-B_CL' },
        ],
      },
    })
    expect(loadStreamDeclaration(shaping({ file: path }), 'Custom-B')?.columns).toEqual(DEFAULT_COLUMNS)
    expect(() => loadStreamDeclaration(shaping({ file: path }), 'Custom-b')).toThrow(
      /two-streams\.dcr\.json: the DCR does not declare the stream 'Custom-b' \(stream names are case-sensitive: 'Custom-B'\)/,
    )
  })

  it("reads the package's schema/stream-declaration.json shape", () => {
    const path = file('decl.json', { 'Custom-AppLogs': { columns: DEFAULT_COLUMNS } })
    expect(loadStreamDeclaration(shaping({ file: path }), 'Custom-AppLogs')?.columns).toEqual(DEFAULT_COLUMNS)
  })

  it('names the file and the problem when it cannot be used', () => {
    expect(() => loadStreamDeclaration(shaping({ file: join(dir, 'missing.json') }), 'Custom-A')).toThrow(
      /Invalid option "streamDeclaration": cannot read .*missing\.json \(ENOENT/,
    )
    expect(() => loadStreamDeclaration(shaping({ file: file('bad.json', '{ nope') }), 'Custom-A')).toThrow(
      /bad\.json is not JSON/,
    )
    expect(() => loadStreamDeclaration(shaping([{ name: 'Body', type: 'text' }]), 'Custom-A')).toThrow(
      /'text' is not a stream column type/,
    )
  })
})
