import { execFile, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderProgress } from '../src/send/progress.ts'
import { cleanEnv, DIST_CLI, run, tempDir } from './helpers.ts'

const state = {
  records: 12_345,
  bytesRead: 1_572_864,
  totalBytes: 3_145_728,
  delivered: 12_000,
  dropped: 0,
  badLines: 0,
  elapsedMs: 3_100,
}

describe('renderProgress', () => {
  it('shows how far through a file, what was read and delivered, and the time', () => {
    expect(renderProgress(state, 200)).toBe(
      '[##########----------]  50%  1.5 MiB/3.0 MiB  12,345 read  12,000 delivered  3.1 s',
    )
  })

  it('shows drops and bad lines only when there are some, and fits the terminal width', () => {
    expect(renderProgress({ ...state, totalBytes: undefined, dropped: 3, badLines: 2 }, 200)).toBe(
      '1.5 MiB  12,345 read  12,000 delivered  3 dropped  2 bad lines  3.1 s',
    )
    const narrow = renderProgress(state, 30)
    expect(narrow).toHaveLength(30)
    expect(narrow.endsWith('…')).toBe(true)
  })
})

describe('dcr-logs send on a terminal', () => {
  let emulator: Emulator
  let dir: string
  let remove: () => void
  beforeAll(async () => {
    emulator = await startEmulator()
    ;({ dir, remove } = tempDir())
    const line = (i: number) =>
      JSON.stringify({ TimeGenerated: new Date().toISOString(), Body: `record ${i}`, SeverityNumber: 9 })
    writeFileSync(join(dir, 'logs.jsonl'), `${Array.from({ length: 2_000 }, (_, i) => line(i)).join('\n')}\n`)
  })
  afterAll(async () => {
    await emulator?.close()
    remove()
  })

  it('redraws a progress line on stderr, clears it, then prints the summary', async () => {
    const result = await run(['send', 'logs.jsonl'], { cwd: dir, env: { ...cleanEnv(), ...emulator.env }, tty: true })
    expect(result.code, result.stderr).toBe(0)
    const frames = result.stderr.split('\r\u001b[2K').filter((f) => f !== '')
    expect(frames.length).toBeGreaterThanOrEqual(2)
    expect(frames.some((f) => /^\[[#-]{20}\] +\d+%/.test(f))).toBe(true)
    expect(frames.at(-1)).toMatch(
      /^dcr-logs send: 2,000 records from logs\.jsonl in .*: 2,000 delivered, 0 dropped, 0 bad lines\n$/,
    )
    expect(emulator.count('AppLogs_CL')).toBe(2_000)
  })

  it('draws nothing with --no-progress or when stderr is not a terminal', async () => {
    const result = await run(['send', '--no-progress', 'logs.jsonl'], {
      cwd: dir,
      env: { ...cleanEnv(), ...emulator.env },
      tty: true,
    })
    expect(result.stderr).not.toContain('\r')
    const piped = await run(['send', 'logs.jsonl'], { cwd: dir, env: { ...cleanEnv(), ...emulator.env } })
    expect(piped.stderr).not.toContain('\r')
  })

  // a real pseudo-terminal, from util-linux `script`, where it is installed
  const hasScript = spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)('draws the progress line in a real terminal (util-linux script)', async () => {
    // asynchronously: the emulator answers from this process
    const { stdout: out } = await promisify(execFile)(
      'script',
      ['-qec', `"${process.execPath}" "${DIST_CLI}" send logs.jsonl`, '/dev/null'],
      {
        cwd: dir,
        env: { ...cleanEnv(), ...emulator.env },
        timeout: 30_000,
      },
    )
    expect(out).toMatch(/\[[#-]{20}\] +\d+%/)
    expect(out).toContain('2,000 delivered, 0 dropped')
  })
})
