import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compileTransform } from '../src/index.ts'

const now = new Date('2026-03-01T12:00:00Z')
const run = (kql: string, row: Record<string, unknown>, columns?: string[]) =>
  compileTransform(kql, columns ?? Object.keys(row)).run(row, { now })

describe('tabular operators', () => {
  test('source passes rows through unchanged', () => {
    const t = compileTransform('source', ['A'])
    expect(t.identity).toBe(true)
    expect(t.run({ A: 1 }, { now })).toEqual({ A: 1 })
  })

  test('extend adds or replaces columns; expressions see the input row', () => {
    expect(run('source | extend B = A + 1, A = A * 10', { A: 2 })).toEqual({ A: 20, B: 3 })
    expect(run('source | extend TimeGenerated = now()', { A: 1 })).toEqual({ A: 1, TimeGenerated: now })
  })

  test('project selects, renames and computes, in order', () => {
    expect(run('source | project C = strcat(A, "-", B), A', { A: 'x', B: 'y', D: 1 })).toEqual({ C: 'x-y', A: 'x' })
  })

  test('project-away (with wildcards), project-rename, project-keep, project-reorder', () => {
    const row = { Alpha: 1, AlsoA: 2, Beta: 3 }
    expect(run('source | project-away Al*', row)).toEqual({ Beta: 3 })
    expect(run('source | project-rename B = Beta', row)).toEqual({ Alpha: 1, AlsoA: 2, B: 3 })
    expect(run('source | project-keep Beta', row)).toEqual({ Beta: 3 })
    expect(Object.keys(run('source | project-reorder Beta', row)!)).toEqual(['Beta', 'Alpha', 'AlsoA'])
  })

  test('where drops rows; null predicates drop too', () => {
    expect(run("source | where Level == 'Error'", { Level: 'Error' })).not.toBeNull()
    expect(run("source | where Level == 'Error'", { Level: 'Info' })).toBeNull()
    expect(run('source | where N > 5', { N: null })).toBeNull()
    expect(run("source | where Level in ('a', 'b') and not(isempty(Level))", { Level: 'b' })).not.toBeNull()
    expect(run("source | where Level !in ('a', 'b')", { Level: 'b' })).toBeNull()
    expect(run("source | where Level in~ ('ERROR')", { Level: 'error' })).not.toBeNull()
  })

  test('let statements and user-defined functions', () => {
    expect(
      run("let suffix = '!'; let shout = (s:string) { toupper(strcat(s, suffix)) }; source | extend B = shout(A)", {
        A: 'hi',
      }),
    ).toEqual({
      A: 'hi',
      B: 'HI!',
    })
  })

  test('parse extracts typed columns', () => {
    expect(
      run('source | parse Msg with "user=" User " took " Ms:long "ms" *', { Msg: 'user=bob took 42ms total' }),
    ).toEqual({
      Msg: 'user=bob took 42ms total',
      User: 'bob',
      Ms: 42,
    })
  })

  test('print ignores the input record', () => {
    expect(run("print X = 1, Y = 'a'", { A: 1 })).toEqual({ X: 1, Y: 'a' })
  })
})

describe('scalar functions and operators', () => {
  const value = (expr: string, row: Record<string, unknown> = {}) =>
    run(`source | project V = ${expr}`, row, Object.keys(row))!['V']

  test.each([
    ['toint("42")', 42],
    ['toint(2.9)', 2],
    ['toint("x")', null],
    ['tolong("9007199254740991")', 9_007_199_254_740_991],
    ['toreal("1.5")', 1.5],
    ['todouble(3)', 3],
    ['tobool("TRUE")', true],
    ['tobool("nope")', null],
    ['tostring(12)', '12'],
    ['tostring(dynamic({"a":[1]}))', '{"a":[1]}'],
    ['tostring(datetime(2026-01-02))', '2026-01-02T00:00:00Z'],
    ['strcat("a", 1, true)', 'a1true'],
    ['strcat_delim("-", "a", "b")', 'a-b'],
    ['split("a,b,c", ",")', ['a', 'b', 'c']],
    ['split("a,b,c", ",", 1)', ['b']],
    ['split("a,b", ",")[-1]', 'b'],
    ['iif(1 > 2, "y", "n")', 'n'],
    ['case(false, 1, true, 2, 3)', 2],
    ['isnotempty("")', false],
    ['isempty("")', true],
    ['isnull(int(null))', true],
    ['isnotnull(0)', true],
    ['strlen("héllo")', 5],
    ['substring("hello", 1, 3)', 'ell'],
    ['tolower("ABC")', 'abc'],
    ['toupper("abc")', 'ABC'],
    ['indexof("hello", "l")', 2],
    ['extract("id=(\\\\d+)", 1, "x id=77 y")', '77'],
    ['countof("aXbXc", "X")', 2],
    ['array_length(pack_array(1, 2, 3))', 3],
    ['pack("a", 1, "b", "x")', { a: 1, b: 'x' }],
    ['array_concat(pack_array(1), pack_array(2))', [1, 2]],
    [
      'zip(pack_array(1, 2), pack_array("a", "b"))',
      [
        [1, 'a'],
        [2, 'b'],
      ],
    ],
    ['parse_json(\'{"a":{"b":5}}\').a.b', 5],
    ['parse_json(\'{"a":[10,20]}\')["a"][1]', 20],
    ['parse_json("not json")', 'not json'],
    ['gettype(1.5)', 'real'],
    ['abs(-3)', 3],
    ['round(2.345, 2)', 2.35],
    ['bin(17, 5)', 15],
    ['pow(2, 10)', 1024],
    ['max_of(3, 9, 1)', 9],
    ['min_of(3, 9, 1)', 1],
    ['binary_and(6, 3)', 2],
    ['binary_shift_left(1, 4)', 16],
    ['base64_decodestring(base64_encodestring("hé"))', 'hé'],
    ['hash_sha256("a")', 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'],
    ['"Hello World" has "world"', true],
    ['"HelloWorld" has "world"', false],
    ['"Hello" contains_cs "ell"', true],
    ['"Hello" !contains "ELL"', false],
    ['"Hello" startswith "he"', true],
    ['"Hello" endswith_cs "LO"', false],
    ['"abc123" matches regex "[a-z]+\\\\d+"', true],
    ['"a" =~ "A"', true],
    ['5 between (1 .. 5)', true],
    ['7 / 2', 3],
    ['7.0 / 2', 3.5],
    [
      'parse_cef_dictionary("src=10.0.0.1 msg=hello world act=blocked")',
      { src: '10.0.0.1', msg: 'hello world', act: 'blocked' },
    ],
  ])('%s', (expr, expected) => {
    expect(value(expr)).toEqual(expected)
  })

  test('datetime functions', () => {
    expect(value('now()')).toEqual(now)
    expect(value('ago(1h)')).toEqual(new Date('2026-03-01T11:00:00Z'))
    expect(value('todatetime("2026-01-15T10:00:00.123Z")')).toEqual(new Date('2026-01-15T10:00:00.123Z'))
    // The formats Kusto documents for datetime() and todatetime(), read as UTC; anything else is null.
    expect(value('todatetime("2026-01-15 10:00")')).toEqual(new Date('2026-01-15T10:00:00Z'))
    expect(value('todatetime("Thu, 15 Jan 2026 10:00:00 GMT")')).toEqual(new Date('2026-01-15T10:00:00Z'))
    for (const text of ['1', '12/31/2025', '20260115']) expect(value(`todatetime("${text}")`), text).toBeNull()
    expect(value('datetime_add("day", 2, datetime(2026-01-30))')).toEqual(new Date('2026-02-01T00:00:00Z'))
    expect(value('datetime_diff("hour", datetime(2026-01-02), datetime(2026-01-01))')).toBe(24)
    expect(value('startofday(datetime(2026-01-15 10:20:30))')).toEqual(new Date('2026-01-15T00:00:00Z'))
    expect(value('startofmonth(datetime(2026-01-15))')).toEqual(new Date('2026-01-01T00:00:00Z'))
    expect(value('getyear(datetime(2026-01-15))')).toBe(2026)
    expect(value('getmonth(datetime(2026-01-15))')).toBe(1)
    expect(value('hourofday(datetime(2026-01-15 07:00))')).toBe(7)
    expect(value('dayofmonth(datetime(2026-01-15))')).toBe(15)
    expect(value('weekofyear(datetime(2026-01-15))')).toBe(3)
    expect(value('make_datetime(2026, 2, 3)')).toEqual(new Date('2026-02-03T00:00:00Z'))
    expect(value('datetime(2026-01-01) + 1d')).toEqual(new Date('2026-01-02T00:00:00Z'))
    expect(value('tostring(datetime(2026-01-02) - datetime(2026-01-01))')).toBe('1.00:00:00')
    expect(value('totimespan("01:30:00") / 1m')).toBe(90)
  })

  test('columnifexists falls back for a missing column', () => {
    expect(value("columnifexists('Nope', 'dflt')", { A: 1 })).toBe('dflt')
    expect(value("columnifexists('A', 'dflt')", { A: 1 })).toBe(1)
  })
})

describe('errors at load, as DCR creation reports them', () => {
  test.each([
    ['source | extend B = Nope', /Failed to resolve scalar expression named 'Nope'/],
    ['source | extend B = replace_string(A, "a", "b")', /not supported in transformations/],
    ['source | summarize count() by A', /'summarize' operator is not supported/],
    ['source | extend B = ', /Unexpected 'end of query'/],
    ['source | extend B = "unterminated', /Unterminated string literal/],
    ['where A > 1', /starts with 'source'/],
    ['source | project-away Nope', /column 'Nope' does not exist/],
    ['source | extend B = toint()', /toint\(\) expects 1 argument/],
    ['source | extend B = datetime(not a date)', /Invalid datetime literal/],
    ['source | extend B = parse_xml(A)', /not by the emulator/],
    [`source | where ${'A == 1 or '.repeat(1600)}A == 2`, /limit is 15360/],
  ])('%s', (kql, message) => {
    expect(() => compileTransform(kql, ['A'])).toThrow(message)
  })

  test('with an unknown input schema, column names are not checked', () => {
    expect(() =>
      compileTransform('source | where QueryText !contains "x" | project-away RequestContext', undefined),
    ).not.toThrow()
  })
})

describe('properties', () => {
  test('source | extend X = A keeps every input column and copies A', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Z][a-z]{0,5}$/), fc.jsonValue(), { minKeys: 1 }), (row) => {
        const [first] = Object.keys(row)
        const out = compileTransform(`source | extend Copy_ = ${first}`, Object.keys(row)).run({ ...row }, { now })!
        for (const [k, v] of Object.entries(row)) expect(out[k]).toEqual(v)
        expect(out['Copy_']).toEqual(row[first!] === undefined ? null : row[first!])
      }),
    )
  })

  test('tostring(toint(n)) round-trips any 32-bit integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), (n) => {
        expect(run('source | project V = tostring(toint(tostring(N)))', { N: n })!['V']).toBe(String(n))
      }),
    )
  })

  test('split then strcat_delim restores the string', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(',', ';', '|'), (s, d) => {
        const out = compileTransform(`source | project V = strcat_delim("${d}", split(S, "${d}")[0])`, ['S']).run(
          { S: s },
          { now },
        )!
        expect(out['V']).toBe(s.split(d)[0])
      }),
    )
  })
})
