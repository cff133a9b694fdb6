import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Emulator } from '@dcr-logs/test-harness'
import type { PinoTransportOptions } from '../src/options.ts'

export const TABLE = 'AppLogs_CL'
export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
export const DIST_INDEX = fileURLToPath(new URL('../dist/index.mjs', import.meta.url))
export const DIST_INDEX_CJS = fileURLToPath(new URL('../dist/index.cjs', import.meta.url))

/**
 * Vitest runs test files with `--conditions dcr-logs-source` (so imports reach `src`), and worker threads
 * inherit it: inside this process the package name would resolve to `src/index.ts`, which Node 20 cannot
 * load. In-process worker tests therefore name `dist` by path and start the worker without those flags;
 * the child-process tests (no flags, like a user's app) load the target by its package name.
 */
export const WORKER_OPTIONS = { execArgv: [] as string[] }
export const DIST_CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url))
export const FIXTURE_APP = fileURLToPath(new URL('./fixtures/pino-app.mjs', import.meta.url))

export type Row = Record<string, unknown>

/** Target options pointing at the emulator, with a clone-safe credential config. */
export const targetOptions = (emulator: Emulator, extra: PinoTransportOptions = {}): PinoTransportOptions => ({
  endpoint: emulator.endpoint,
  ruleId: emulator.rules[0]!.ruleId,
  streamName: 'Custom-AppLogs',
  credential: emulator.credentialConfig,
  lingerMs: 20,
  // tests use logger.flush() as "delivered": on a loaded machine a worker's first send can take longer than 10 s
  flushTimeoutMs: 60_000,
  ...extra,
})

/**
 * Loggers and streams with a flush in progress, kept reachable until it calls back. thread-stream holds its stream
 * only weakly once the worker is up, and a pending `flush(cb)` does not retain it: a logger referenced only by the
 * test awaiting that flush is garbage, and a GC in that window lets thread-stream's FinalizationRegistry terminate
 * the worker mid-flush; the callback never comes (a 60 s timeout, most often on Node 24, whose GC runs sooner).
 */
const flushing = new Set<{ target: object }>()

/** `logger.flush(cb)` (or a ThreadStream's) as a promise; keeps `target` alive until the callback (see `flushing`). */
export const flushed = (target: { flush(cb: (error?: Error | null) => void): void }): Promise<void> => {
  const entry = { target }
  flushing.add(entry)
  return new Promise<void>((resolve, reject) => target.flush((error) => (error ? reject(error) : resolve()))).finally(
    () => flushing.delete(entry),
  )
}

export interface ChildResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  env?: Record<string, string | undefined>
  /** Written to stdin, which is then closed. */
  input?: string
  /** Written to stdin, which stays open (only a signal or the child ends the run). */
  openInput?: string
  /** Called with all stdout so far; `kill` signals the child. */
  onStdout?: (stdout: string, kill: (signal: NodeJS.Signals) => void) => void
  timeoutMs?: number
}

/** Runs `node <args>` with extra environment, optionally feeding stdin, and collects its output. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let signalled = false
    const kill = (signal: NodeJS.Signals) => {
      if (signalled) return // a second signal means "exit now" to the CLI
      signalled = true
      child.kill(signal)
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`node ${args.join(' ')} did not finish in time; stderr: ${stderr}`))
    }, options.timeoutMs ?? 45_000)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      options.onStdout?.(stdout, kill)
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.on('error', () => {}) // the child may exit before reading everything (usage errors)
    if (options.openInput !== undefined) child.stdin.write(options.openInput)
    else child.stdin.end(options.input ?? '')
  })
}
