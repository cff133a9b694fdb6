import { describe, expect, test } from 'vitest'
import { type QueryContext, runQuery } from '../src/kql/query.ts'
import { Timespan } from '../src/kql/values.ts'

const now = new Date('2026-03-01T12:00:00Z')
const at = (minutesAgo: number): Date => new Date(now.getTime() - minutesAgo * 60_000)

const rows = [
  { TimeGenerated: at(90), Level: 'info', Service: 'api', Ms: 120, Size: 9, Attrs: { user: 'ann' } },
  { TimeGenerated: at(50), Level: 'error', Service: 'api', Ms: 30, Size: 4, Attrs: { user: 'bob' } },
  { TimeGenerated: at(40), Level: 'info', Service: 'worker', Ms: 75, Size: 7, Attrs: null },
  { TimeGenerated: at(5), Level: 'warn', Service: 'api', Ms: null, Size: 2, Attrs: { user: 'ann' } },
]
const ctx = (overrides: Partial<QueryContext> = {}): QueryContext => ({
  now,
  table: (name) =>
    name === 'Logs_CL'
      ? {
          columns: [
            { name: 'TimeGenerated', type: 'datetime' },
            { name: 'Level', type: 'string' },
            { name: 'Service', type: 'string' },
            { name: 'Ms', type: 'real' },
            { name: 'Size', type: 'int' },
            { name: 'Attrs', type: 'dynamic' },
          ],
          rows,
        }
      : undefined,
  ...overrides,
})
const run = (kql: string, c = ctx()) => runQuery(kql, c)

describe('runQuery', () => {
  test('a table alone returns every column with its type, in arrival order', () => {
    const r = run('Logs_CL')
    expect(r.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime',
      'Level:string',
      'Service:string',
      'Ms:real',
      'Size:int',
      'Attrs:dynamic',
    ])
    expect(r.rows).toHaveLength(4)
    expect(r.rows[0]).toEqual([at(90), 'info', 'api', 120, 9, { user: 'ann' }])
  })

  test('where, ago(), project, extend, take and limit', () => {
    expect(run('Logs_CL | where TimeGenerated > ago(1h) | project Level').rows).toEqual([['error'], ['info'], ['warn']])
    const r = run(
      'Logs_CL | where Level == "info" | extend Half = Size / 2, User = tostring(Attrs.user) | project Half, User',
    )
    expect(r.columns).toEqual([
      { name: 'Half', type: 'long' },
      { name: 'User', type: 'string' },
    ])
    expect(r.rows).toEqual([
      [4, 'ann'],
      [3, ''],
    ])
    expect(run('Logs_CL | take 2').rows).toHaveLength(2)
    expect(run('Logs_CL | limit 1 | project Service').rows).toEqual([['api']])
  })

  test('count', () => {
    expect(run('Logs_CL | where Service == "api" | count')).toEqual({
      columns: [{ name: 'Count', type: 'long' }],
      rows: [[3]],
    })
  })

  test('summarize count(), min, max, avg, by columns and bin()', () => {
    const r = run('Logs_CL | summarize count(), avg(Ms), min(Size), max(TimeGenerated) by Service')
    expect(r.columns).toEqual([
      { name: 'Service', type: 'string' },
      { name: 'count_', type: 'long' },
      { name: 'avg_Ms', type: 'real' },
      { name: 'min_Size', type: 'int' },
      { name: 'max_TimeGenerated', type: 'datetime' },
    ])
    expect(r.rows).toEqual([
      ['api', 3, 75, 2, at(5)],
      ['worker', 1, 75, 7, at(40)],
    ])
    const hourly = run('Logs_CL | summarize N = count() by bin(TimeGenerated, 1h) | order by TimeGenerated asc')
    expect(hourly.columns.map((c) => c.name)).toEqual(['TimeGenerated', 'N'])
    expect(hourly.rows).toEqual([
      [new Date('2026-03-01T10:00:00Z'), 1],
      [new Date('2026-03-01T11:00:00Z'), 3],
    ])
  })

  test('summarize without rows: one row of zero without keys, none with keys', () => {
    expect(run('Logs_CL | where Size > 100 | summarize count()').rows).toEqual([[0]])
    expect(run('Logs_CL | where Size > 100 | summarize count() by Level').rows).toEqual([])
  })

  test('order by: descending by default, asc, nulls, several keys; top', () => {
    expect(run('Logs_CL | order by Size | project Size').rows).toEqual([[9], [7], [4], [2]])
    expect(run('Logs_CL | sort by Ms asc | project Ms').rows).toEqual([[null], [30], [75], [120]])
    expect(run('Logs_CL | sort by Ms desc | project Ms').rows).toEqual([[120], [75], [30], [null]])
    expect(run('Logs_CL | order by Service asc, Size asc | project Size').rows).toEqual([[2], [4], [9], [7]])
    expect(run('Logs_CL | top 2 by Size asc | project Size').rows).toEqual([[2], [4]])
  })

  test('distinct, project-away, project-rename, countif, dcount, make_set', () => {
    expect(run('Logs_CL | distinct Service').rows).toEqual([['api'], ['worker']])
    expect(
      run('Logs_CL | project-away Attrs, TimeGenerated | project-rename Svc = Service | take 1').columns.map(
        (c) => c.name,
      ),
    ).toEqual(['Level', 'Svc', 'Ms', 'Size'])
    expect(run('Logs_CL | summarize countif(Level == "info"), dcount(Service), make_set(Level)').rows).toEqual([
      [2, 2, ['info', 'error', 'warn']],
    ])
  })

  test('print, let, timespans, and a time range', () => {
    expect(run('let x = 9; print A = x / 2, B = 1h').rows).toEqual([[4, new Timespan(3_600_000)]])
    const ranged = run('Logs_CL | project Level', ctx({ timeRange: { start: at(60), end: at(10) } }))
    expect(ranged.rows).toEqual([['error'], ['info']])
  })

  test('types that only values can tell are inferred', () => {
    const r = runQuery('T', {
      now,
      table: () => ({
        columns: [
          { name: 'X', type: undefined },
          { name: 'Y', type: undefined },
        ],
        rows: [{ X: 1.5, Y: null }],
      }),
    })
    expect(r.columns).toEqual([
      { name: 'X', type: 'real' },
      { name: 'Y', type: 'string' },
    ])
  })

  test.each([
    ['Nope_CL | take 1', "'take' operator: Failed to resolve table or column expression named 'Nope_CL'"],
    ['Logs_CL | where Nope > 1', "Failed to resolve scalar expression named 'Nope'"],
    [
      'Logs_CL | join (Other) on X',
      "The 'join' operator is not supported by the emulator. Supported tabular operators: where",
    ],
    [
      'Logs_CL | summarize percentile(Ms, 95)',
      'summarize expects aggregation functions (count, countif, sum, avg, min, max',
    ],
    ['Logs_CL | extend X = count()', 'count() is an aggregation function: use it in summarize'],
    ['Logs_CL | extend X = nosuch(Ms)', "The function 'nosuch' is not supported in queries"],
    ['Logs_CL | take -1', "'take' needs a constant, non-negative row count"],
    ['Logs_CL | where Level matches regex "(?<=a)b"', "Invalid regular expression '(?<=a)b'"],
    ['source | take 1', 'a query starts with a table name'],
    ['Logs_CL | where', "Unexpected 'end of query'"],
  ])('%s is refused: %s', (kql, message) => {
    expect(() => run(kql)).toThrow(message)
  })
})
