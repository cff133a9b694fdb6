// @ts-check
/**
 * @summary The demo app: an order service that logs through winston, pino (worker thread) and OpenTelemetry
 * into one table, waits until every record is delivered, and reports each framework's delivery stats.
 *
 * Configured only by environment variables (DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME and
 * AZURE_* for the credential), exactly as a real service would be: `demo.mjs` sets them to the emulator's values,
 * or you set them to your Azure resources.
 */
import { once } from 'node:events'
import { AzureLogsExporter, createBatchLogRecordProcessor } from '@dcr-logs/opentelemetry'
import { EVENTS } from '@dcr-logs/pino'
import { AzureLogsTransport } from '@dcr-logs/winston'
import { context, trace } from '@opentelemetry/api'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import pino from 'pino'
import winston from 'winston'

/** Tell the launcher (when there is one) how far we are; otherwise print. */
const report = (message) => (process.send ? process.send(message) : console.log(JSON.stringify(message)))

async function withWinston() {
  report({ type: 'progress', text: 'winston: logging through AzureLogsTransport' })
  const transport = new AzureLogsTransport({ serviceName: 'orders-winston' })
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true })),
    defaultMeta: { region: 'westeurope' },
    transports: [transport],
  })
  logger.info('order placed', { orderId: 1001, amount: 42.5, currency: 'EUR' })
  logger.debug('cart priced', { orderId: 1001, items: 3 })
  logger.child({ requestId: 'req-7' }).warn('payment retried', { orderId: 1002, attempt: 2 })
  logger.error('payment failed', { orderId: 1002, err: new Error('card declined') })
  // end() waits for delivery: the transport's _final flushes before 'finish'
  const finished = once(logger, 'finish')
  logger.end()
  await finished
  return transport.stats()
}

async function withPino() {
  report({ type: 'progress', text: 'pino: logging through the @dcr-logs/pino worker thread' })
  const stream = pino.transport({ target: '@dcr-logs/pino', options: { serviceName: 'orders-pino' } })
  let stats
  stream.on(EVENTS.stats, (value) => {
    stats = value
  })
  const logger = pino({ level: 'debug' }, stream)
  logger.info({ orderId: 1001, carrier: 'DHL' }, 'order shipped')
  logger.child({ requestId: 'req-8' }).debug({ orderId: 1003 }, 'stock reserved')
  logger.warn({ orderId: 1004, waitedMs: 1250 }, 'slow warehouse response')
  logger.error({ err: new TypeError('address.zip is undefined'), orderId: 1005 }, 'label printing failed')
  // flush(cb) calls back once the worker has delivered everything logged so far (and sent its stats);
  // at exit pino ends the worker, which delivers anything logged after this point
  await new Promise((resolve, reject) => logger.flush((error) => (error ? reject(error) : resolve(undefined))))
  return stats
}

async function withOpenTelemetry() {
  report({ type: 'progress', text: 'OpenTelemetry: logging through AzureLogsExporter' })
  const exporter = new AzureLogsExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders-otel', 'service.version': '1.4.2' }),
    processors: [createBatchLogRecordProcessor(BatchLogRecordProcessor, exporter)],
  })
  const logger = provider.getLogger('orders', '1.4.2')
  const span = trace.wrapSpanContext({
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: 1,
  })
  const inSpan = trace.setSpan(context.active(), span)
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'invoice created',
    attributes: { orderId: 1001, total: 42.5 },
    context: inSpan,
  })
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: 'invoice total rounded',
    attributes: { orderId: 1001 },
    context: inSpan,
  })
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'tax service unavailable',
    attributes: { 'exception.type': 'Error', 'exception.message': 'ECONNREFUSED' },
  })
  await provider.forceFlush()
  const stats = exporter.stats()
  await provider.shutdown()
  return stats
}

const results = {}
results.winston = await withWinston()
results.pino = await withPino()
results.opentelemetry = await withOpenTelemetry()
report({ type: 'stats', stats: results })
