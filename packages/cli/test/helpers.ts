/** Running the CLI in-process with a fake terminal, or as the built command in a child process. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { Io, Output } from '../src/io.ts'
import { main } from '../src/main.ts'

export const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url))
export const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url))
export const DIST_CLI = join(PACKAGE_DIR, 'dist', 'cli.mjs')

class Captured implements Output {
  text = ''
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string) {
    this.text += chunk
    return true
  }
}

export interface RunOptions {
  cwd: string
  env?: Record<string, string | undefined>
  stdin?: string
  /** stderr is a terminal (progress line). */
  tty?: boolean
  now?: number
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `dcr-logs <args>` in this process with captured output. */
export const run = async (args: readonly string[], options: RunOptions): Promise<RunResult> => {
  const stdout = new Captured()
  const stderr = new Captured(options.tty === true)
  const io: Io = {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    cwd: options.cwd,
    env: options.env ?? {},
    now: () => options.now ?? Date.now(),
    onInterrupt: () => () => {},
  }
  const code = await main(args, io)
  return { code, stdout: stdout.text, stderr: stderr.text }
}

/** The environment without DCR_LOGS_* and AZURE_* the test process may have. */
export const cleanEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DCR_LOGS_|AZURE_)/.test(k)))

export interface ChildRun extends RunResult {
  signal: NodeJS.Signals | null
}

/** Runs the built `dcr-logs` in a child process, as a shell would. */
export const runCli = (
  args: readonly string[],
  options: {
    cwd: string
    env?: Record<string, string | undefined>
    input?: string
    /** Write `input` but leave stdin open, as a producer that is still running would. */
    keepStdinOpen?: boolean
    /** Gets the child once it runs, to signal it. */
    control?: (child: ChildProcessWithoutNullStreams) => void | Promise<void>
    timeoutMs?: number
  },
): Promise<ChildRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_CLI, ...args], {
      cwd: options.cwd,
      env: options.env ?? cleanEnv(),
      stdio: 'pipe',
    })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`dcr-logs ${args.join(' ')} did not finish; stderr: ${stderr}`))
    }, options.timeoutMs ?? 45_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, signal, stdout, stderr })
    })
    if (options.keepStdinOpen === true) child.stdin.write(options.input ?? '')
    else child.stdin.end(options.input)
    Promise.resolve(options.control?.(child)).catch(reject)
  })

/** A fresh directory under the OS temp dir, removed by the returned function. */
export const tempDir = (): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), 'dcr-logs-cli-'))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
