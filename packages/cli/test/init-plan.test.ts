import { DEFAULT_COLUMNS, inferColumns, SYSLOG_COLUMNS } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { CliError } from '../src/errors.ts'
import { kebab, planInit } from '../src/init/plan.ts'

describe('planInit', () => {
  it('defaults to AppLogs_CL with the columns every adapter sends, passed through as they are', () => {
    const plan = planInit({ preset: 'default' })
    expect(plan).toMatchObject({
      table: 'AppLogs_CL',
      customTable: true,
      baseName: 'app-logs',
      dcrName: 'dcr-app-logs',
      streamName: 'Custom-AppLogs',
      outputStream: 'Custom-AppLogs_CL',
      transformKql: 'source',
      notes: [],
    })
    expect(plan.streamColumns).toEqual(DEFAULT_COLUMNS)
    expect(plan.tableColumns[0]).toEqual({
      name: 'TimeGenerated',
      type: 'dateTime',
      description: 'When the log record was produced (UTC)',
    })
  })

  it('names everything after the table it is given', () => {
    expect(planInit({ preset: 'default', table: 'HTTPAudit_CL', dcrName: 'my-dcr' })).toMatchObject({
      baseName: 'http-audit',
      dcrName: 'my-dcr',
      streamName: 'Custom-HTTPAudit',
      outputStream: 'Custom-HTTPAudit_CL',
    })
    expect(['AppLogs_CL', 'CommonSecurityLog', 'Syslog', 'my_table_CL'].map(kebab)).toEqual([
      'app-logs',
      'common-security-log',
      'syslog',
      'my-table',
    ])
  })

  it('refuses a table name that is not a custom table, saying what would be', () => {
    expect(() => planInit({ preset: 'default', table: 'AppLogs' })).toThrow(
      /"AppLogs" is not a custom table name \(did you mean AppLogs_CL\?\)/,
    )
    expect(() => planInit({ preset: 'default', table: 'app-logs_CL' })).toThrow(CliError)
  })

  it('maps the presets to their built-in tables, and refuses a different --table or --from with them', () => {
    expect(planInit({ preset: 'syslog' })).toMatchObject({
      table: 'Syslog',
      customTable: false,
      streamName: 'Custom-SyslogStream',
      outputStream: 'Microsoft-Syslog',
      streamColumns: SYSLOG_COLUMNS,
      tableColumns: [],
    })
    expect(planInit({ preset: 'commonSecurityLog' }).notes[0]).toMatch(
      /only in workspaces onboarded to Microsoft Sentinel/,
    )
    expect(() => planInit({ preset: 'syslog', table: 'AppLogs_CL' })).toThrow(
      /writes to the built-in Syslog table; leave out --table/,
    )
    expect(() =>
      planInit({ preset: 'syslog', inferred: { file: 's.jsonl', result: inferColumns([{ a1: 1 }]) } }),
    ).toThrow(/columns are fixed by Azure/)
  })

  it('builds the stream from samples, adds TimeGenerated to the table and sets it from a time field', () => {
    const result = inferColumns([
      { time: '2026-01-15T10:00:00Z', msg: 'hi', status: 200, req: { id: 'r' }, 'req.id': 'r' },
    ])
    const plan = planInit({ preset: 'default', table: 'Orders_CL', inferred: { file: 'logs/orders.jsonl', result } })
    expect(plan.streamColumns).toEqual([
      { name: 'time', type: 'datetime' },
      { name: 'msg', type: 'string' },
      { name: 'status', type: 'long' },
      { name: 'req', type: 'dynamic' },
    ])
    expect(plan.tableColumns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:dateTime',
      'time:dateTime',
      'msg:string',
      'status:long',
      'req:dynamic',
    ])
    expect(plan.transformKql).toBe("source | extend TimeGenerated = todatetime(['time'])")
    expect(plan.description).toBe('dcr-logs: records like orders.jsonl into Orders_CL')
    expect(plan.notes).toEqual([
      "req.id: not a column: 'req.id' may hold only ASCII letters, digits and _ (no spaces, dots, dashes or accents); rename the field where it is logged, e.g. to 'req_id'",
      "TimeGenerated: the transformation sets it from 'time'",
    ])
  })

  it('uses now() without a datetime field, and declares a non-datetime TimeGenerated as datetime', () => {
    expect(
      planInit({ preset: 'default', table: 'A_CL', inferred: { file: 'f', result: inferColumns([{ msg: 'x' }]) } })
        .transformKql,
    ).toBe('source | extend TimeGenerated = now()')
    const plan = planInit({
      preset: 'default',
      table: 'A_CL',
      inferred: { file: 'f', result: inferColumns([{ TimeGenerated: 1_700_000_000_000 }]) },
    })
    expect(plan.streamColumns).toEqual([{ name: 'TimeGenerated', type: 'datetime' }])
    expect(plan.notes.at(-1)).toMatch(/^TimeGenerated: declared datetime \(the samples hold long\)/)
    expect(() =>
      planInit({ preset: 'default', table: 'A_CL', inferred: { file: 'f', result: inferColumns(['x']) } }),
    ).toThrow(/no usable field in 0 record/)
  })
})
