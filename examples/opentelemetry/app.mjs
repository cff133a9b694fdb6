// @ts-check
/**
 * A billing job instrumented with the OpenTelemetry NodeSDK. Logs go to Azure Monitor Logs through AzureLogsExporter;
 * logs emitted inside a span carry its TraceId and SpanId, so KQL can join them with the trace.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME, and AZURE_* (or a
 * managed identity) for the credential; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES work as usual. See README.md.
 */
import { AzureLogsExporter, createBatchLogRecordProcessor } from '@dcr-logs/opentelemetry'
import { SpanStatusCode, trace } from '@opentelemetry/api'
import { logs, SeverityNumber } from '@opentelemetry/api-logs'
import { NodeSDK, logs as sdkLogs, tracing } from '@opentelemetry/sdk-node'

const exporter = new AzureLogsExporter({
  onDrop: (event) => console.error(`dcr-logs: ${event.records.length} record(s) dropped (${event.reason})`),
})

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'billing',
  // createBatchLogRecordProcessor makes sdk.shutdown() and forceFlush() reach the exporter every time
  logRecordProcessors: [createBatchLogRecordProcessor(sdkLogs.BatchLogRecordProcessor, exporter)],
  // Spans only need to exist here, for their trace context. To keep the traces too, pass your trace exporter
  // (OTLP, Azure Monitor) instead: `traceExporter: new OTLPTraceExporter()`.
  spanProcessors: [new tracing.NoopSpanProcessor()],
})
sdk.start()

// the same calls an instrumentation library makes: get a logger and a tracer from the global API
const logger = logs.getLogger('billing-job', '3.1.0')
const tracer = trace.getTracer('billing-job', '3.1.0')

logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'billing run started' })

await tracer.startActiveSpan('invoice customer', async (span) => {
  // inside the active span: these records carry its trace context
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'invoice created',
    attributes: { 'customer.id': 'cust-77', 'invoice.total': 129.9, 'invoice.currency': 'EUR' },
  })
  try {
    throw new Error('tax service unavailable')
  } catch (err) {
    const error = /** @type {Error} */ (err)
    span.recordException(error)
    span.setStatus({ code: SpanStatusCode.ERROR })
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      severityText: 'ERROR',
      body: 'tax calculation failed, invoice queued for retry',
      eventName: 'billing.invoice.deferred',
      attributes: {
        'customer.id': 'cust-77',
        'exception.type': error.name,
        'exception.message': error.message,
        'exception.stacktrace': error.stack ?? '',
      },
    })
  } finally {
    span.end()
  }
})

logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'INFO', body: 'billing run finished' })

// shutdown flushes every processor: without it the records still buffered are lost at exit
await sdk.shutdown()
const { records } = exporter.stats()
console.log(`shipped ${records.delivered} of ${records.accepted} record(s), ${records.dropped} dropped`)
if (records.dropped > 0) process.exitCode = 1
