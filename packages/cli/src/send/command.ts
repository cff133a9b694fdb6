/**
 * `dcr-logs send`: JSON lines from a file or stdin into a DCR stream through core's client. Reading waits for
 * buffer space, so nothing is dropped for speed; bad lines are reported with their number and skipped; with
 * --dcr, values are converted to the declared types and undeclared fields reported once each.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Readable } from 'node:stream'
import {
  type Conformer,
  createConformer,
  createLogsIngestionClient,
  type DcrSummary,
  DIAGNOSTIC_CHANNELS,
  type DropReason,
  isLogsIngestionError,
  type LogsIngestionClient,
  readDcr,
  resolveStreamDeclaration,
  type WarningEvent,
} from '@dcr-logs/core'
import { parse, text } from '../args.ts'
import { CliError, EXIT } from '../errors.ts'
import { preview } from '../format.ts'
import type { Io } from '../io.ts'
import { openFile, parseLine, readLines } from '../jsonl.ts'
import { clientOptions } from './client-options.ts'
import { startProgress } from './progress.ts'
import { sendSummary } from './summary.ts'

export const SEND_USAGE = `Usage: dcr-logs send [file.jsonl] [options]        (reads stdin when there is no file, or "-")

Sends JSON lines, one record per line, through @dcr-logs/core: batched, gzipped, retried, and every record
delivered or counted as dropped. Bad lines are reported with their line number and skipped; the run goes on.
On a terminal a progress line shows how far it got; a summary ends the run.

Connection (default: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME)
  --endpoint <url>       DCR logs ingestion endpoint or DCE (https)
  --rule-id <dcr-…>      DCR immutable id
  --stream-name <name>   input stream (default Custom-AppLogs, or the one the --dcr declares)
Credential (default: AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, else DefaultAzureCredential)
  --credential <type>    azureCli | managedIdentity | workloadIdentity | environment | default
  --tenant-id <id>  --client-id <id>
Checks
  --dcr <file>           the DCR or its stream declaration: values are converted to the declared types and
                         undeclared fields reported once each (a DCR GET response also gives endpoint and rule id)
Output
  --close-timeout-ms <n> how long to wait for the last batches (default 60000)
  --no-progress          no progress line on a terminal
  -q, --quiet            only the summary
  -h, --help

Exit codes: 0 every record delivered, 1 records dropped, lines skipped or fields lost, 2 usage error,
130/143 stopped by SIGINT/SIGTERM (after sending what was read).`

const OPTIONS = {
  endpoint: { type: 'string' },
  'rule-id': { type: 'string' },
  'stream-name': { type: 'string' },
  credential: { type: 'string' },
  'tenant-id': { type: 'string' },
  'client-id': { type: 'string' },
  dcr: { type: 'string' },
  'close-timeout-ms': { type: 'string' },
  'no-progress': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const

/** Bad lines printed one by one before only counting them. */
const SHOWN_BAD_LINES = 20
const DAY = 86_400_000
const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 }

interface Checks {
  conform: Conformer | undefined
  dcr: DcrSummary | undefined
  streamName: string | undefined
}

const loadChecks = async (file: string | undefined, streamName: string | undefined, io: Io): Promise<Checks> => {
  if (file === undefined) return { conform: undefined, dcr: undefined, streamName }
  let doc: unknown
  try {
    doc = JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'))
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new CliError(`--dcr: cannot read ${file} (${e.code === 'ENOENT' ? 'no such file' : e.message})`)
  }
  const declaration = resolveStreamDeclaration(doc, streamName === undefined ? {} : { streamName })
  if (!declaration.ok) throw new CliError(`--dcr ${file}: ${declaration.message}`)
  const read = readDcr(doc)
  const dcr = read.ok && read.dcrs.length === 1 ? read.dcrs[0] : undefined
  return { conform: createConformer(declaration.declaration), dcr, streamName: declaration.declaration.streamName }
}

export const runSend = async (args: readonly string[], io: Io): Promise<number> => {
  const parsed = parse('send', args, OPTIONS, true)
  if (parsed.values['help'] === true) {
    io.stdout.write(`${SEND_USAGE}\n`)
    return EXIT.ok
  }
  if (parsed.positionals.length > 1)
    throw new CliError(
      `one input file at most (got ${parsed.positionals.join(', ')}); to send several, run send once per file or cat them`,
    )
  const file = parsed.positionals[0] === '-' ? undefined : parsed.positionals[0]
  const quiet = parsed.values['quiet'] === true
  const checks = await loadChecks(
    text(parsed, 'dcr'),
    text(parsed, 'stream-name') ?? io.env['DCR_LOGS_STREAM_NAME'],
    io,
  )

  const dropMessages = new Map<DropReason, string>()
  const reported: string[] = []
  let client: LogsIngestionClient
  try {
    client = createLogsIngestionClient(
      {
        ...clientOptions(parsed, checks.dcr, checks.streamName),
        onDrop: (event) => {
          if (dropMessages.has(event.reason)) return
          dropMessages.set(event.reason, event.error.message)
          reported.push(
            `dcr-logs send: ${event.records.length} record(s) dropped (${event.reason}): ${event.error.message}`,
          )
        },
      },
      { env: io.env },
    )
  } catch (error) {
    if (isLogsIngestionError(error)) throw new CliError(`${error.message} Run "dcr-logs send --help" for usage.`)
    throw error
  }

  let input: Readable
  let totalBytes: number | undefined
  if (file === undefined) {
    input = io.stdin
    if (io.stdin.isTTY === true && !quiet)
      io.stderr.write('dcr-logs send: reading JSON lines from stdin (Ctrl-D ends)\n')
  } else {
    input = await openFile(io.cwd, file, 'file')
    totalBytes = (await stat(resolve(io.cwd, file))).size
  }

  const started = io.now()
  let records = 0
  let bytesRead = 0
  const badLines: number[] = []
  let badLineCount = 0
  let lostFields = 0
  let outOfWindow = 0
  const seenProblems = new Set<string>()
  const progress = startProgress(
    io.stderr,
    () => {
      const s = client.stats().records
      return {
        records,
        bytesRead,
        totalBytes,
        delivered: s.delivered,
        dropped: s.dropped,
        badLines: badLineCount,
        elapsedMs: io.now() - started,
      }
    },
    !quiet && parsed.values['no-progress'] !== true,
  )
  const say = (message: string) => {
    if (!quiet) progress.log(message)
  }
  const onWarning = (event: unknown) => {
    const { message } = event as WarningEvent
    if (seenProblems.has(message)) return
    seenProblems.add(message)
    say(`dcr-logs send: warning: ${message}`)
  }
  subscribe(DIAGNOSTIC_CHANNELS.warning, onWarning)
  let interrupted: NodeJS.Signals | undefined
  const stopReading = new AbortController()
  const stopListening = io.onInterrupt((signal) => {
    interrupted = signal
    stopReading.abort()
  })

  try {
    for await (const line of readLines(input, stopReading.signal)) {
      bytesRead += Buffer.byteLength(line.text) + 1
      const p = parseLine(line)
      if (p === undefined) continue
      if (!p.ok) {
        badLineCount++
        if (badLines.length < SHOWN_BAD_LINES) badLines.push(p.number)
        if (badLineCount <= SHOWN_BAD_LINES) say(`line ${p.number}: ${p.reason}`)
        continue
      }
      let record = p.record
      if (checks.conform !== undefined) {
        const result = checks.conform(record)
        record = result.record
        const lost: [key: string, message: string][] = [
          ...result.unknownFields.map((u): [string, string] => [
            `unknown:${u.field}`,
            `line ${p.number}: field '${u.field}' is not declared in ${checks.streamName}${u.suggestion === undefined ? '' : ` (did you mean '${u.suggestion}'?)`}: not sent (reported once)`,
          ]),
          ...result.dropped.map((d): [string, string] => [
            `dropped:${d.column}:${d.reason}`,
            `line ${p.number}: '${d.column}' (${d.type}) ${preview(d.value)} is ${d.reason}: not sent (reported once)`,
          ]),
        ]
        lostFields += lost.length
        for (const [key, message] of lost) {
          if (seenProblems.has(key)) continue
          seenProblems.add(key)
          say(message)
        }
      }
      const time = record['TimeGenerated']
      const ms = time instanceof Date ? time.getTime() : typeof time === 'string' ? Date.parse(time) : Number.NaN
      if (!Number.isNaN(ms) && (ms < started - 2 * DAY || ms > started + DAY)) outOfWindow++
      records++
      if (!(await client.waitForSpace())) break
      client.push(record)
      while (reported.length > 0) say(reported.shift()!)
    }
  } catch (error) {
    // a read error (a file removed, a broken pipe) ends the input; what was read is still sent
    if (interrupted === undefined) say(`dcr-logs send: reading stopped: ${(error as Error).message}`)
  }
  await client.close()
  stopListening()
  unsubscribe(DIAGNOSTIC_CHANNELS.warning, onWarning)
  progress.stop()
  const stats = client.stats()
  io.stderr.write(
    sendSummary(
      {
        source: file ?? 'stdin',
        records,
        badLines,
        badLineCount,
        lostFields,
        outOfWindow,
        elapsedMs: io.now() - started,
        interrupted,
        dropMessages,
      },
      stats,
    ),
  )
  if (interrupted !== undefined) return SIGNAL_EXIT[interrupted] ?? EXIT.problems
  return stats.records.dropped > 0 || badLineCount > 0 || lostFields > 0 ? EXIT.problems : EXIT.ok
}
