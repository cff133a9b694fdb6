import { describe, expect, test } from 'vitest'
import { type Column, compileTransform, DEFAULT_DCR, loadDcrs } from '../src/index.ts'

const now = new Date('2026-03-01T12:00:00Z')
const typed = (columns: Record<string, Column['type']>): Column[] =>
  Object.entries(columns).map(([name, type]) => ({ name, type }))

/** One expression over one typed row. */
const value = (expr: string, row: Record<string, unknown>, types: Record<string, Column['type']>): unknown =>
  compileTransform(`source | project V = ${expr}`, typed(types)).run(row, { now })!['V']

/** The default DCR with another transformation (a DCR users could deploy). */
const dcrWith = (transformKql: string) => {
  const dcr = structuredClone(DEFAULT_DCR) as unknown as { properties: { dataFlows: { transformKql: string }[] } }
  dcr.properties.dataFlows[0]!.transformKql = transformKql
  return dcr
}

describe('integer arithmetic follows the column types', () => {
  test.each([
    ['N / 2 with N int 9', 'N / 2', { N: 9 }, { N: 'int' }, 4],
    ['N / 2 with N long -9 (truncated toward zero)', 'N / 2', { N: -9 }, { N: 'long' }, -4],
    ['N / M, both long', 'N / M', { N: 7, M: 2 }, { N: 'long', M: 'long' }, 3],
    ['N / 2 with N real', 'N / 2', { N: 9 }, { N: 'real' }, 4.5],
    ['N / 2.0 with N int', 'N / 2.0', { N: 9 }, { N: 'int' }, 4.5],
    ['toreal(N) / 2', 'toreal(N) / 2', { N: 9 }, { N: 'int' }, 4.5],
    ['(N + 1) / 2 stays integral', '(N + 1) / 2', { N: 8 }, { N: 'int' }, 4],
    ['integer division by zero is null', 'N / 0', { N: 9 }, { N: 'long' }, null],
    ['modulo is never negative (-14 % 12)', 'N % 12', { N: -14 }, { N: 'long' }, 10],
    ['modulo by a negative divisor (14 % -12)', 'N % -12', { N: 14 }, { N: 'long' }, 2],
  ] as const)('%s', (_, expr, row, types, expected) => {
    expect(value(expr, row, types)).toBe(expected)
  })

  test('a DCR with an int column divides it as Kusto does when it loads from JSON', () => {
    const dcr = dcrWith('source | extend TraceFlags = SeverityNumber / 2')
    const [loaded] = loadDcrs({ dcr, source: 'test' })
    const flow = loaded!.streams.get('Custom-AppLogs')!.flows[0]!
    expect(flow.transform.run({ SeverityNumber: 9 }, { now })!['TraceFlags']).toBe(4)
  })

  test('the output schema carries the types', () => {
    const t = compileTransform('source | project H = N / 2, R = N * 1.5, S = tostring(N), D = ago(1h), B = N > 1', [
      { name: 'N', type: 'int' },
    ])
    expect(t.outputSchema).toEqual([
      { name: 'H', type: 'long' },
      { name: 'R', type: 'real' },
      { name: 'S', type: 'string' },
      { name: 'D', type: 'datetime' },
      { name: 'B', type: 'bool' },
    ])
  })
})

describe('floor() is the documented alias of bin()', () => {
  test('numbers and datetimes', () => {
    expect(value('floor(N, 5)', { N: 17 }, { N: 'long' })).toBe(15)
    expect(value('floor(T, 1h)', { T: new Date('2026-03-01T10:42:00Z') }, { T: 'datetime' })).toEqual(
      new Date('2026-03-01T10:00:00Z'),
    )
    expect(value('floor(N, 0.5)', { N: 2.7 }, { N: 'real' })).toBe(2.5)
  })
})

describe('regular expressions are RE2', () => {
  test.each([
    ['inline flags (?i), which JavaScript lacks', '"ABC" matches regex "(?i)^abc$"', true],
    ['\\pL without braces is a Unicode letter class', '"é" matches regex "^\\\\pL$"', true],
    ['Python-style named groups (?P<n>…)', 'extract("(?P<n>\\\\d+)", 1, "order 42")', '42'],
    ['\\z end of text', '"ab" matches regex "b\\\\z"', true],
    ['extract_all with one group', 'extract_all("(\\\\d+)", "a1 b22 c333")', ['1', '22', '333']],
    ['countof with regex', 'countof("a1b22", "\\\\d+", "regex")', 2],
  ] as const)('%s', (_, expr, expected) => {
    expect(value(expr, {}, {})).toEqual(expected)
  })

  test.each([
    ['lookahead', "source | where Body matches regex 'a(?=b)'"],
    ['lookbehind', "source | extend X = extract('(?<=id=)\\\\d+', 0, Body)"],
    ['a backreference', "source | where Body matches regex '(a)\\\\1'"],
    ['a possessive quantifier', "source | extend N = countof(Body, 'a++', 'regex')"],
  ])('%s is refused once, when the DCR loads, naming the pattern', (_, kql) => {
    expect(() => loadDcrs({ dcr: dcrWith(kql), source: 'test' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_DCR',
        message: expect.stringMatching(/InvalidTransformQuery: .*Invalid regular expression '.+'.*RE2/),
      }),
    )
  })

  test('a pattern read from a column is compiled per record; an invalid one fails that record only', () => {
    const t = compileTransform('source | where Body matches regex Pattern', ['Body', 'Pattern'])
    expect(t.run({ Body: 'abc', Pattern: '^a' }, { now })).not.toBeNull()
    expect(() => t.run({ Body: 'abc', Pattern: 'a(?=b)' }, { now })).toThrow(/Invalid regular expression 'a\(\?=b\)'/)
  })
})
