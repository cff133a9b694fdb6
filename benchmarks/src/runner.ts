/** Forks one child per contender run, with the emulator's environment, and relays the outage phases. */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Emulator, FaultRule } from '@dcr-logs/test-harness'
import type { ChildMessage, ChildResult, ParentMessage, Task } from './protocol.ts'

const CHILD = fileURLToPath(new URL('./child.mjs', import.meta.url))

/** The fault plan of the outage: every ingestion request answers 503 (with no Retry-After: plain backoff). */
export const OUTAGE_FAULTS: FaultRule[] = [{ fault: { type: 'status', status: 503 } }]

/** `--profile DIR`: each child writes a V8 CPU profile there (open it in Chrome DevTools or speedscope). */
let profileDir: string | undefined
export const setProfileDir = (dir: string | undefined): void => {
  profileDir = dir
}

/** A child that could not load a workspace package: another build is replacing its `dist` right now. */
class MissingModuleError extends Error {}

/**
 * Runs one contender in a fresh process. On a shared machine another engineer's build may delete a package's
 * `dist` while the benchmark runs; a child that fails to load a module is retried (after a pause), not counted.
 */
export const runChild = async (task: Task, emulator: Emulator, timeoutMs: number): Promise<ChildResult> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce(task, emulator, timeoutMs)
    } catch (e) {
      if (!(e instanceof MissingModuleError) || attempt >= 4) throw e
      process.stderr.write(`${task.contender}: a module is missing (a build is running?); retrying in 10 s\n`)
      await new Promise((resolve) => setTimeout(resolve, 10_000))
      emulator.reset()
    }
  }
}

const runOnce = (task: Task, emulator: Emulator, timeoutMs: number): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      execArgv: [
        // the outage child measures its live heap after a full GC at the end of the outage
        ...(task.contender === 'outage' ? ['--expose-gc'] : []),
        ...(profileDir === undefined
          ? []
          : [
              '--cpu-prof',
              `--cpu-prof-dir=${profileDir}`,
              `--cpu-prof-name=${task.contender}-${Date.now()}.cpuprofile`,
            ]),
      ],
      // NODE_EXTRA_CA_CERTS must be set when the child starts: @azure/identity and core read it only then
      env: { ...process.env, ...emulator.env },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    })
    let result: ChildResult | undefined
    let failure: Error | undefined
    // stderr is passed through, and its tail kept to tell a missing module from a real failure
    let stderrTail = ''
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      stderrTail = (stderrTail + chunk.toString()).slice(-4096)
    })
    const timer = setTimeout(() => {
      failure = new Error(`${task.contender} did not finish within ${timeoutMs / 1000} s`)
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('message', (message: ChildMessage) => {
      switch (message.type) {
        case 'result':
          result = message.result
          break
        case 'error':
          failure = new Error(`${task.contender} failed: ${message.stack ?? message.message}`)
          break
        case 'phase':
          emulator.setFaults(message.phase === 'outage-start' ? OUTAGE_FAULTS : undefined)
          child.send({ type: 'phase-ack' } satisfies ParentMessage)
          break
      }
    })
    child.on('error', (e) => {
      failure ??= e
    })
    // 'close', not 'exit': stderr is fully read by then
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      emulator.setFaults(undefined)
      if (result !== undefined && failure === undefined) resolve(result)
      else if (failure === undefined && stderrTail.includes('ERR_MODULE_NOT_FOUND'))
        reject(new MissingModuleError(`${task.contender} could not load a module`))
      else reject(failure ?? new Error(`${task.contender} exited (${signal ?? code}) without a result`))
    })
    child.send({ type: 'task', task } satisfies ParentMessage)
  })
