#!/usr/bin/env node
/**
 * `dcr-logs-pino`: the pipeline mode of the pino ecosystem (`node app.js | dcr-logs-pino …`). Reads NDJSON
 * from stdin, ships it through the same transport pino's worker uses, optionally copies stdin to stdout,
 * and prints a summary to stderr.
 */
import { readFileSync } from 'node:fs'
import { isLogsIngestionError } from '@dcr-logs/core'
import { CliUsageError, type ParsedCli, parseCliArgs, USAGE } from './cli-args.ts'
import type { PinoTransportOptions } from './options.ts'
import { summarize, type TransportStats } from './report.ts'
import { createTransport, type TransportHandle } from './transport.ts'

const NAME = 'dcr-logs-pino'
/** After SIGINT/SIGTERM, how long the rest of stdin is read: the app in front usually exits on the same signal. */
const SIGNAL_DRAIN_MS = 1_000
const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 }

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ParsedCli
  let options: PinoTransportOptions
  try {
    parsed = parseCliArgs(argv)
    options =
      parsed.settings.configFile === undefined
        ? parsed.options
        : { ...readConfig(parsed.settings.configFile), ...parsed.options }
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error
    console.error(`${NAME}: ${error.message}\nRun "${NAME} --help" for usage.`)
    return 2
  }
  if (parsed.settings.help) {
    console.log(USAGE)
    return 0
  }
  if (parsed.settings.version) {
    console.log(readVersion())
    return 0
  }

  let handle: TransportHandle
  try {
    handle = await createTransport(options, {
      sink: {
        event: () => {},
        warn: (message) => console.error(`${NAME}: warning: ${message}`),
        // the CLI prints its own summary below
        final: () => {},
      },
    })
  } catch (error) {
    if (!isLogsIngestionError(error)) throw error
    console.error(`${NAME}: ${error.message}\nRun "${NAME} --help" for usage.`)
    return 2
  }

  const started = Date.now()
  const { stream } = handle
  const stdin = process.stdin
  if (stdin.isTTY && !parsed.settings.quiet)
    console.error(`${NAME}: reading pino lines from stdin (Ctrl-D ends): pipe a process into it`)
  stdin.pipe(stream)
  if (parsed.settings.passthrough) {
    stdin.pipe(process.stdout)
    // a closed downstream (`| head`) stops the copy, not the shipping
    process.stdout.on('error', () => stdin.unpipe(process.stdout))
  }

  let signalled: NodeJS.Signals | undefined
  let drainTimer: NodeJS.Timeout | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) {
      console.error(`${NAME}: second ${signal}, exiting without waiting for delivery`)
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 0))
    }
    signalled = signal
    drainTimer = setTimeout(() => {
      stdin.unpipe()
      stdin.destroy()
      stream.end()
    }, SIGNAL_DRAIN_MS)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const stats = await handle.closed
  if (drainTimer !== undefined) clearTimeout(drainTimer)
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  if (!parsed.settings.quiet) console.error(cliSummary(stats, Date.now() - started, signalled))
  return stats.records.dropped > 0 ? 1 : 0
}

function cliSummary(stats: TransportStats, elapsedMs: number, signal: NodeJS.Signals | undefined): string {
  const text = summarize(stats).replace('@dcr-logs/pino: ', '')
  const after = signal === undefined ? '' : ` after ${signal}`
  return `${NAME}: ${stats.lines.mapped} lines shipped${after} in ${(elapsedMs / 1000).toFixed(1)} s: ${text}`
}

function readConfig(file: string): PinoTransportOptions {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliUsageError(`--config: cannot read ${file} (${(error as Error).message})`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new CliUsageError(`--config: ${file} is not JSON (${(error as Error).message})`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CliUsageError(`--config: ${file} must hold a JSON object of options`)
  }
  return value as PinoTransportOptions
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`${NAME}: unexpected error: ${(error as Error)?.stack ?? String(error)}`)
    process.exitCode = 1
  },
)
