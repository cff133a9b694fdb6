/**
 * Where the worker's reports go. In pino's worker, thread-stream relays two message codes to the main
 * thread: `EVENT` (re-emitted on the stream `pino.transport()` returned) and `WARNING`
 * (`process.emitWarning` in the main thread). See thread-stream `index.js` `onWorkerMessage`.
 */

import type { EventEmitter } from 'node:events'
import { writeSync } from 'node:fs'
import type { MessagePort } from 'node:worker_threads'
import type { ReportSink } from './report.ts'

/** The port to pino's main thread inside a thread-stream worker (its `workerData` carries the shared buffers), else undefined. */
export function threadStreamPort(port: MessagePort | null, data: unknown): MessagePort | undefined {
  const isThreadStream = typeof data === 'object' && data !== null && 'stateBuf' in data && 'dataBuf' in data
  return port !== null && isThreadStream ? port : undefined
}

/**
 * Final summaries are written synchronously to fd 2: at exit pino's main thread blocks in `Atomics.wait`
 * and then exits, so an asynchronous message or `process.stderr` write from the worker would never appear.
 */
function writeStderr(message: string): void {
  try {
    writeSync(2, `${message}\n`)
  } catch {
    // stderr closed: nothing left to tell
  }
}

/** Reports to pino's main thread through thread-stream's message protocol. */
export function threadStreamSink(port: MessagePort): ReportSink {
  const post = (message: unknown): void => {
    try {
      port.postMessage(message)
    } catch {
      // the main thread is gone (exiting): counters still reach the final summary
    }
  }
  return {
    event: (name, payload) => post({ code: 'EVENT', name, args: [payload] }),
    warn: (message) => post({ code: 'WARNING', err: new Error(message) }),
    final: writeStderr,
  }
}

/** Reports on the transport stream itself, for in-process use (not through `pino.transport()`). */
export function streamSink(stream: () => EventEmitter | undefined): ReportSink {
  return {
    event: (name, payload) => {
      stream()?.emit(name, payload)
    },
    warn: (message) => process.emitWarning(message, { code: 'DCR_LOGS_PINO' }),
    final: writeStderr,
  }
}
