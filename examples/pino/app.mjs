// @ts-check
/**
 * An inventory sync worker logging through pino. The @dcr-logs/pino target runs in pino's worker thread, so the app
 * thread only writes JSON lines. Shows `logger.flush(cb)` (everything logged so far is delivered) and the SIGTERM
 * pattern that lets pino's exit hook deliver the rest.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME, and AZURE_* (or a
 * managed identity) for the credential; the worker thread reads them itself. See README.md.
 */
import { EVENTS } from '@dcr-logs/pino'
import pino from 'pino'

// One target: then logger.flush(cb) means "delivered" (with `targets`, pino answers flush without asking them).
const transport = pino.transport({
  target: '@dcr-logs/pino',
  options: {
    resource: { 'service.version': '1.8.0', 'deployment.environment': process.env.NODE_ENV ?? 'development' },
  },
})
// reports from the worker thread: records Azure did not take, and counters after each flush
transport.on(EVENTS.drop, (report) => console.error(`dcr-logs: ${report.records} record(s) dropped (${report.reason})`))
transport.on(EVENTS.stats, (stats) =>
  console.log(`dcr-logs: ${stats.records.delivered} delivered, ${stats.records.dropped} dropped`),
)

const logger = pino(
  {
    name: 'inventory-sync', // becomes ServiceName
    level: 'debug',
    redact: ['supplier.apiKey'], // secrets are censored on the app thread, before anything leaves the process
  },
  transport,
)

/** Resolves once every line logged so far is delivered (or reported dropped). */
const flushed = () => new Promise((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve(undefined))))

logger.info({ supplier: { id: 'acme', apiKey: 'sk-live-123' } }, 'sync started')
for (const [batch, skus] of [
  [1, ['A-100', 'A-101', 'A-102']],
  [2, ['B-200', 'B-201']],
]) {
  const log = logger.child({ batch }) // bindings land in Attributes of every line this child writes
  log.debug({ skus }, 'batch fetched')
  log.info({ updated: skus.length }, 'stock levels updated')
}
logger.warn({ sku: 'C-300', stock: -2 }, 'negative stock reported by supplier')
logger.error({ err: new RangeError('price must be positive'), sku: 'C-301' }, 'item rejected')

await flushed()
console.log('ready: first sync delivered, waiting for SIGTERM or SIGINT')

// A long-running worker keeps going until the platform stops it (Kubernetes, systemd and Docker send SIGTERM).
const timer = setInterval(() => logger.debug('waiting for the next sync window'), 500)

// A signal kills the process without running exit hooks, so pino would lose what is still buffered. Turn it into an
// exit: pino's exit hook then ends the worker, which delivers the rest within pino's 10 s window.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    clearInterval(timer)
    logger.info({ signal }, 'shutting down')
    process.exit(0)
  })
}
