import { readFileSync } from 'node:fs'
import { DEFAULTS as CORE_DEFAULTS } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { MAPPING_KEYS, TRANSPORT_KEYS, WINSTON_DEFAULTS } from '../src/options.ts'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** `| \`name\` | type | default | …` rows of the README's tables, by option name. */
const rows = new Map(
  readme
    .split('\n')
    .filter((line) => /^\|\s*`\w+`\s*\|/.test(line))
    .map((line) => {
      // cells split on unescaped pipes: types such as `'a' \| 'b'` contain escaped ones
      const [, name, type, defaultValue] = line.split(/(?<!\\)\|/).map((cell) => cell.trim())
      return [name!.slice(1, -1), { type: type!, default: defaultValue! }] as const
    }),
)

describe('README options tables', () => {
  it('documents every option of this package', () => {
    for (const name of [...TRANSPORT_KEYS, ...MAPPING_KEYS]) expect(rows.has(name), name).toBe(true)
  })

  it("states this package's defaults as WINSTON_DEFAULTS has them", () => {
    for (const [name, value] of Object.entries(WINSTON_DEFAULTS)) {
      expect(rows.get(name)?.default, name).toBe(`\`${JSON.stringify(value).replaceAll('"', "'")}\``)
    }
  })

  it("states core's defaults as core has them", () => {
    for (const name of ['lingerMs', 'closeTimeoutMs', 'overflow', 'streamName'] as const) {
      const value = CORE_DEFAULTS[name]
      const text = typeof value === 'string' ? `\`'${value}'\`` : String(value)
      expect(rows.get(name)?.default, name).toBe(text)
    }
  })
})
