#!/usr/bin/env node
// @ts-check
/**
 * @summary One command, three frameworks: starts the Logs Ingestion emulator, runs `app.mjs` (winston, pino and
 * OpenTelemetry logging into one table) and prints what landed, with each framework's delivery stats.
 *
 * With DCR_LOGS_ENDPOINT set, it runs the same app against Azure instead (see docs/azure-setup.md).
 */
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const TABLE = 'AppLogs_CL'
/** What app.mjs logs per framework: the demo fails if fewer rows land. */
const EXPECTED = { 'orders-winston': 4, 'orders-pino': 4, 'orders-otel': 3 }

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text)
const step = (text) => console.log(`${bold('▶')} ${text}`)

/** Runs app.mjs with `env`, forwarding its progress lines; resolves with the stats it reports. */
function runApp(env) {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./app.mjs', import.meta.url)), {
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    let stats
    child.on('message', (message) => {
      if (message.type === 'progress') step(message.text)
      if (message.type === 'stats') stats = message.stats
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 && stats ? resolve(stats) : reject(new Error(`the demo app exited with code ${code}`)),
    )
  })
}

const clip = (value, width) => {
  const text =
    value === undefined || value === null
      ? ''
      : value instanceof Date
        ? value.toISOString()
        : typeof value === 'string'
          ? value
          : JSON.stringify(value)
  return text.length > width ? `${text.slice(0, width - 1)}…` : text
}

function printTable(rows, columns) {
  const widths = columns.map(([name, width]) =>
    Math.max(name.length, Math.min(width, Math.max(0, ...rows.map((r) => clip(r[name], width).length)))),
  )
  const line = (cells) => `  ${cells.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`
  console.log(line(columns.map(([name]) => name)))
  console.log(line(widths.map((w) => '─'.repeat(w))))
  for (const row of rows) console.log(line(columns.map(([name, width]) => clip(row[name], width))))
}

function printStats(stats) {
  console.log(`\n${bold('Delivery stats')} (from each adapter's stats())`)
  const rows = Object.entries(stats).map(([framework, s]) => ({
    framework,
    accepted: String(s?.records.accepted ?? '?'),
    delivered: String(s?.records.delivered ?? '?'),
    dropped: String(s?.records.dropped ?? '?'),
    requests: String(s?.requests.total ?? '?'),
    'bytes raw → sent': s ? `${s.bytes.raw} → ${s.bytes.sent}` : '?',
  }))
  printTable(rows, [
    ['framework', 14],
    ['accepted', 8],
    ['delivered', 9],
    ['dropped', 7],
    ['requests', 8],
    ['bytes raw → sent', 20],
  ])
}

async function againstAzure() {
  step(
    `sending to ${process.env.DCR_LOGS_ENDPOINT} (rule ${process.env.DCR_LOGS_RULE_ID}, stream ${process.env.DCR_LOGS_STREAM_NAME})`,
  )
  const stats = await runApp(process.env)
  printStats(stats)
  const dropped = Object.values(stats).reduce((n, s) => n + (s?.records.dropped ?? 0), 0)
  console.log(`\nQuery them in Log Analytics (new tables take 10-15 minutes to show their first rows):`)
  console.log(`  ${TABLE} | where ServiceName startswith "orders-" | order by TimeGenerated desc`)
  return dropped === 0
}

async function againstEmulator() {
  const { startEmulator } = await import('@dcr-logs/test-harness')
  step('starting the Logs Ingestion emulator (HTTPS, Entra token service, default DCR)')
  const emulator = await startEmulator()
  try {
    const rule = emulator.rules[0]
    step(`emulator at ${emulator.endpoint}: rule ${rule.ruleId}, stream ${rule.streams[0]} → table ${TABLE}`)
    const stats = await runApp({ ...process.env, ...emulator.env })
    const rows = emulator.rows(TABLE)
    console.log(`\n${bold(`${rows.length} rows landed in ${TABLE}`)}`)
    let complete = true
    for (const [service, expected] of Object.entries(EXPECTED)) {
      const landed = rows.filter((row) => row.ServiceName === service)
      complete &&= landed.length >= expected
      console.log(`\n${bold(service)}: ${landed.length} rows (ScopeName ${landed[0]?.ScopeName ?? '-'})`)
      printTable(landed.slice(0, 4), [
        ['TimeGenerated', 24],
        ['SeverityText', 12],
        ['SeverityNumber', 14],
        ['Body', 26],
        ['Attributes', 48],
        ['ExceptionType', 13],
        ['TraceId', 32],
      ])
    }
    printStats(stats)
    const requests = emulator.requests()
    const statuses = {}
    for (const r of requests) statuses[r.status] = (statuses[r.status] ?? 0) + 1
    console.log(
      `\nThe emulator saw ${requests.length} requests (${Object.entries(statuses)
        .map(([s, n]) => `${n} × ${s}`)
        .join(', ')}), ${emulator.dcrErrors().length} DCR errors.`,
    )
    return complete
  } finally {
    await emulator.close()
  }
}

try {
  const ok = process.env.DCR_LOGS_ENDPOINT ? await againstAzure() : await againstEmulator()
  console.log(ok ? `\n${bold('✔ every record was delivered')}` : '\n✘ some records are missing: see the stats above')
  process.exitCode = ok ? 0 : 1
} catch (error) {
  // the app's own output above says why; a stack trace of the launcher would only hide it
  console.error(`\n✘ ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
