import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { HELP } from '../src/cli-options.ts'
import { DEFAULTS, type Emulator, startEmulator, THROTTLE_DEFAULTS } from '../src/index.ts'

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8')
const readme = read('../README.md')
/** The README first (its tables win), then the detail pages it links to. */
const docNames = readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md'))
const docs = [readme, ...docNames.map((f) => read(`../docs/${f}`))].join('\n')

/** First-cell names of the tables' rows (`` `name` ``, `` `name(args)` ``, `` `--flag <value>` ``), with the row's cells. */
const rows = new Map<string, string[]>()
for (const line of docs.split('\n')) {
  const m = /^\|\s*`([\w-]+)[`( ]/.exec(line)
  if (m === null) continue
  // cells split on unescaped pipes: types such as `A \| false` hold escaped ones
  const cells = line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim())
  if (!rows.has(m[1]!)) rows.set(m[1]!, cells)
}

/** Members of an exported interface, read from its source (the README must not lag behind the types). */
const interfaceKeys = (file: string, name: string): string[] => {
  const source = read(file)
  const start = source.indexOf(`export interface ${name} `)
  expect(start, `interface ${name} in ${file}`).toBeGreaterThanOrEqual(0)
  const body = source.slice(source.indexOf('{', start) + 1, source.indexOf('\n}', start))
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)\??[:(<]/gm)].map((m) => m[1]!)
}

const defaultCell = (value: unknown): string => `\`${JSON.stringify(value).replaceAll('"', "'")}\``

describe('README', () => {
  let emulator: Emulator
  beforeAll(async () => {
    emulator = await startEmulator()
  })
  afterAll(() => emulator.close())

  test('documents every startEmulator() option, with the defaults DEFAULTS has', () => {
    const options = interfaceKeys('../src/options.ts', 'EmulatorOptions')
    expect(options.length).toBeGreaterThan(15)
    for (const name of options) expect(rows.has(name), `option ${name}`).toBe(true)
    for (const [name, value] of Object.entries(DEFAULTS)) {
      if (!options.includes(name)) continue
      expect(rows.get(name)?.[2], `default of ${name}`).toBe(defaultCell(value))
    }
  })

  test('documents the throttle budgets with THROTTLE_DEFAULTS', () => {
    for (const [name, value] of Object.entries(THROTTLE_DEFAULTS)) {
      expect(rows.get(name)?.[1], `default of throttle.${name}`).toBe(defaultCell(value))
    }
  })

  test('documents every member of a running Emulator', () => {
    const members = Object.keys(emulator)
    expect(members).toEqual(expect.arrayContaining(['endpoint', 'rows', 'requests', 'dcrErrors', 'setFaults', 'close']))
    for (const name of members) expect(rows.has(name), `member ${name}`).toBe(true)
  })

  test('documents every field of a request record and of a DCR error', () => {
    for (const name of [
      ...interfaceKeys('../src/store.ts', 'RequestRecord'),
      ...interfaceKeys('../src/store.ts', 'DcrLogError'),
    ]) {
      expect(rows.has(name), `field ${name}`).toBe(true)
    }
  })

  test('documents every CLI flag', () => {
    const flags = [...new Set([...HELP.matchAll(/--[a-z][\w-]*/g)].map((m) => m[0]))]
    expect(flags).toEqual(expect.arrayContaining(['--json', '--dcr', '--faults', '--param']))
    for (const flag of flags) expect(rows.has(flag), `flag ${flag}`).toBe(true)
  })

  test('documents every fault kind and every rule field', () => {
    const kinds = [...read('../src/faults.ts').matchAll(/\| \{ type: '(\w+)'/g)].map((m) => m[1]!)
    expect(kinds).toEqual(['status', 'reset', 'latency', 'hang', 'unauthorized'])
    for (const kind of kinds) expect(rows.has(kind), `fault ${kind}`).toBe(true)
    for (const field of interfaceKeys('../src/faults.ts', 'FaultRule')) {
      expect(rows.has(field), `rule field ${field}`).toBe(true)
    }
  })

  test('documents every control route', () => {
    const routes = [...read('../src/control.ts').matchAll(/case '(GET|PUT|POST|DELETE) ([\w-]+)'/g)]
    expect(routes.length).toBeGreaterThan(8)
    for (const [, method, resource] of routes) {
      expect(docs, `${method} /_emulator/${resource}`).toMatch(
        new RegExp(`^\\|.*\`${method} /_emulator/${resource}[\`/?]`, 'm'),
      )
    }
  })

  test('every row of the fidelity tables (the full one in docs/, the README summary) says Full, Partly or No', () => {
    const summary = readme.slice(readme.indexOf('\n## Fidelity'), readme.indexOf('\n## Troubleshooting'))
    for (const [text, atLeast] of [
      [read('../docs/fidelity.md'), 50],
      [summary, 10],
    ] as const) {
      const tableRows = text
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
        .map((l) => l.split(/(?<!\\)\|/).slice(1, -1))
        .filter((cells) => cells[1]?.trim() !== 'emulated') // header rows
      expect(tableRows.length).toBeGreaterThan(atLeast)
      for (const cells of tableRows) {
        expect(cells, cells.join('|')).toHaveLength(3)
        expect(['Full', 'Partly', 'No'], cells.join('|')).toContain(cells[1]!.trim())
      }
    }
  })

  test('the README stays short, and every page and heading it links to exists', () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(35_000) // 68 KB before the details moved to docs/
    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
    const anchors = (text: string): Set<string> =>
      new Set(
        [...text.matchAll(/^#+ (.+)$/gm)].map((m) =>
          m[1]!
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-'),
        ),
      )
    const pages: [string, string][] = [
      ['README.md', readme],
      ...docNames.map((f): [string, string] => [`docs/${f}`, read(`../docs/${f}`)]),
    ]
    let checked = 0
    for (const [page, text] of pages) {
      for (const [, target, anchor] of text.matchAll(/\]\((?!https?:)([^)#\s]*)(?:#([^)\s]+))?\)/g)) {
        const resolved = target === '' ? page : new URL(target!, `file:///pkg/${page}`).pathname.slice('/pkg/'.length)
        const url = new URL(`../${resolved}`, import.meta.url)
        expect(existsSync(url), `${page} → ${resolved}`).toBe(true)
        if (anchor !== undefined)
          expect(anchors(readFileSync(url, 'utf8')), `${page} → ${resolved}#${anchor}`).toContain(anchor)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })

  test('the usage example is test/readme-example.test.ts, which runs', () => {
    const example = read('./readme-example.test.ts').split('\n').slice(1).join('\n').trim()
    const block = /<!-- readme-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- readme-example:end -->/.exec(readme)
    expect(block).not.toBeNull()
    expect(block![1]!.trim()).toBe(example)
  })
})
