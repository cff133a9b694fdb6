/**
 * One pair of process listeners shared by every open transport (winston's, pino's in-process stream), added with
 * the first and removed with the last: a listener per instance would keep removed transports alive and print
 * `MaxListenersExceededWarning` at the eleventh.
 *
 * - `beforeExit` (the event loop ran dry): each transport gets to deliver what it holds; the work keeps the
 *   process alive, and Node emits `beforeExit` again once it is done.
 * - `exit` (`process.exit()`, or the end after `beforeExit`): nothing asynchronous can run any more, so what is
 *   still pending is reported synchronously (the participant calls core's `abandon()`: `onDrop` and `stats()`,
 *   reason `shutdown-timeout`) and written to stderr as a count: lost, but not silently.
 */
import { writeSync } from 'node:fs'

/** What a transport tells the shared hooks. */
export interface ExitParticipant {
  /** The loop ran dry: start delivering (and keep the process alive until done, within a deadline). */
  onBeforeExit(): void
  /** At `exit`: reports what is not yet delivered (core's `abandon()`) and returns how many records that was. */
  pendingAtExit(): number
  /** Names the transport in the stderr line, e.g. `@dcr-logs/winston`. */
  readonly label: string
}

const participants = new Set<ExitParticipant>()
let installed = false

const onBeforeExit = (): void => {
  for (const p of [...participants]) {
    try {
      p.onBeforeExit()
    } catch {
      // one transport's failure must not keep the others from delivering
    }
  }
}

const onExit = (code: number): void => {
  for (const p of participants) {
    let pending = 0
    try {
      pending = p.pendingAtExit()
    } catch {
      continue
    }
    if (pending <= 0) continue
    try {
      writeSync(
        2,
        `${p.label}: ${pending} log record(s) still queued were lost at process exit (code ${code}): ` +
          'end the logger and wait for it (or await its flush) before process.exit().\n',
      )
    } catch {
      // stderr closed: nothing left to tell
    }
  }
}

/** Adds a transport to the shared hooks (idempotent). */
export const registerExitParticipant = (participant: ExitParticipant): void => {
  participants.add(participant)
  if (installed) return
  installed = true
  process.on('beforeExit', onBeforeExit)
  process.on('exit', onExit)
}

/** Removes a transport; the listeners go with the last one. */
export const unregisterExitParticipant = (participant: ExitParticipant): void => {
  participants.delete(participant)
  if (!installed || participants.size > 0) return
  installed = false
  process.off('beforeExit', onBeforeExit)
  process.off('exit', onExit)
}

/**
 * Keeps the process alive until `work` settles: a logger's timers never hold a process open, but once the
 * application ended it (or the loop ran dry), delivery in progress must not be cut short. `work` must be bounded
 * (a close or flush with a deadline). Never rejects.
 */
export const holdProcessUntil = (work: Promise<unknown>): Promise<void> => {
  const hold = setInterval(() => {}, 60_000)
  const release = () => clearInterval(hold)
  return work.then(release, release)
}

/** How many transports the shared hooks hold (for tests and diagnostics). */
export const exitParticipantCount = (): number => participants.size
