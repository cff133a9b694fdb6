/** The shared process hooks: one listener pair for any number of transports, and what they do at exit. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  type ExitParticipant,
  exitParticipantCount,
  registerExitParticipant,
  unregisterExitParticipant,
} from '../../src/index.ts'

const dist = fileURLToPath(new URL('../../dist/index.mjs', import.meta.url))

const participant = (pending = 0): ExitParticipant => ({
  label: 'test',
  onBeforeExit: () => {},
  pendingAtExit: () => pending,
})

const runNode = (code: string): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('exit', (exitCode) => resolve({ code: exitCode, stdout, stderr }))
  })

describe('shared exit hooks', () => {
  it('adds one beforeExit and one exit listener for any number of transports, removed with the last', () => {
    const before = [process.listenerCount('beforeExit'), process.listenerCount('exit')]
    const many = Array.from({ length: 25 }, () => participant())
    for (const p of many) registerExitParticipant(p)
    registerExitParticipant(many[0]!) // idempotent
    expect(exitParticipantCount()).toBe(25)
    expect([process.listenerCount('beforeExit'), process.listenerCount('exit')]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ])
    for (const p of many) unregisterExitParticipant(p)
    expect(exitParticipantCount()).toBe(0)
    expect([process.listenerCount('beforeExit'), process.listenerCount('exit')]).toEqual(before)
  })

  it('lets each transport deliver when the loop runs dry, keeping the process alive for it', async () => {
    const result = await runNode(`
      import { registerExitParticipant, unregisterExitParticipant } from ${JSON.stringify(dist)}
      const make = (name) => {
        const p = {
          label: name,
          pendingAtExit: () => 0,
          onBeforeExit: () => {
            unregisterExitParticipant(p)
            // real work: a timer keeps the process up until it is done
            setTimeout(() => process.stdout.write(name + ' delivered\\n'), 50)
          },
        }
        registerExitParticipant(p)
      }
      make('a'); make('b')
    `)
    expect(result).toMatchObject({ code: 0, stderr: '' })
    expect(result.stdout.split('\n').filter(Boolean).sort()).toEqual(['a delivered', 'b delivered'])
  })

  it('writes what is still pending at process.exit() to stderr, synchronously', async () => {
    const result = await runNode(`
      import { registerExitParticipant } from ${JSON.stringify(dist)}
      registerExitParticipant({ label: '@dcr-logs/test', pendingAtExit: () => 7, onBeforeExit: () => {} })
      registerExitParticipant({ label: '@dcr-logs/idle', pendingAtExit: () => 0, onBeforeExit: () => {} })
      process.exit(3)
    `)
    expect(result.code).toBe(3)
    expect(result.stderr).toBe(
      '@dcr-logs/test: 7 log record(s) still queued were lost at process exit (code 3): end the logger and wait for it (or await its flush) before process.exit().\n',
    )
  })
})
