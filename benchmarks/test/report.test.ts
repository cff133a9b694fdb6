/** The Markdown report's computed prose, rendered from the committed results of the last full `pnpm bench`. */
import { readFile } from 'node:fs/promises'
import { DEFAULTS } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '../src/report.ts'
import type { BenchResults } from '../src/results.ts'

const fullRun = async (): Promise<BenchResults> =>
  JSON.parse(await readFile(new URL('../results.json', import.meta.url), 'utf8')) as BenchResults

describe('renderMarkdown', () => {
  it('shows how the default compression level compares with the others measured', async () => {
    const markdown = renderMarkdown(await fullRun())
    const level = DEFAULTS.compressionLevel
    expect(markdown).toContain('## Default compression level')
    expect(markdown).toMatch(
      new RegExp(`\\n\\| ${level} \\(default\\) \\| [\\d,]+ \\| [\\d.]+ ms \\| [\\d.]+× \\| \\d+ \\|`),
    )
    expect(markdown).toMatch(
      new RegExp(`Core’s default is level ${level}\\. Against level \\d+ in this run it delivered [\\d.]+×`),
    )
  })

  it('leaves the comparison out when only one level was measured (quick mode)', async () => {
    const results = await fullRun()
    results.metrics = results.metrics.filter((m) => !m.scenario.startsWith('8') || m.metric.startsWith('level 1:'))
    expect(renderMarkdown(results)).not.toContain('## Default compression level')
  })
})
