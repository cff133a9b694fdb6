// @ts-check
/**
 * A checkout service logging through winston: readable lines on the console, structured rows in Azure Monitor Logs.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME, and AZURE_* (or a
 * managed identity) for the credential. Run it against the emulator or Azure: see README.md.
 */
import { once } from 'node:events'
import { AzureLogsTransport } from '@dcr-logs/winston'
import winston from 'winston'

const { combine, timestamp, errors, splat, colorize, printf } = winston.format

const azure = new AzureLogsTransport({
  resource: { 'service.version': '2.3.0', 'deployment.environment': process.env.NODE_ENV ?? 'development' },
  // every record that does not reach the table is reported here, with the reason (never silently lost)
  onDrop: (event) => console.error(`dcr-logs: ${event.records.length} record(s) dropped (${event.reason})`),
})

const logger = winston.createLogger({
  level: 'debug',
  // the logger's format runs for every transport: keep it structural (no colours, no string building)
  format: combine(timestamp(), errors({ stack: true }), splat()),
  defaultMeta: { service: 'checkout', region: 'westeurope' },
  transports: [
    new winston.transports.Console({
      // presentation belongs to the console only, so Body in Azure stays the plain message
      format: combine(
        colorize(),
        printf(({ timestamp, level, message, err, ...fields }) => {
          const meta = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ''
          return `${timestamp} ${level} ${message}${meta}${err instanceof Error ? `\n${err.stack}` : ''}`
        }),
      ),
    }),
    azure,
  ],
})

logger.info('checkout service started', { port: 8080 })
logger.debug('cart loaded: %d item(s)', 3, { cartId: 'c-981' })

// a child logger binds request-scoped fields to every record it writes
const request = logger.child({ requestId: 'req-4711', userId: 'u-42' })
request.info('order placed', { orderId: 1001, amount: 42.5, currency: 'EUR' })
request.warn('payment provider slow', { orderId: 1001, latencyMs: 1850 })

try {
  throw new Error('card declined', { cause: new Error('insufficient funds') })
} catch (err) {
  request.error('payment failed', { orderId: 1001, err })
}

// end() flushes the Azure transport: 'finish' fires once every record is delivered or reported dropped
const finished = once(logger, 'finish')
logger.end()
await finished

const { records } = azure.stats()
console.log(`shipped ${records.delivered} of ${records.accepted} record(s), ${records.dropped} dropped`)
if (records.dropped > 0) process.exitCode = 1
