// @ts-check
/**
 * A payments daemon that logs with winston's syslog levels into Azure's built-in `Syslog` table, next to the rows
 * the Azure Monitor Agent collects from Linux machines. `mapRecord` turns each record into the columns of the DCR's
 * `Custom-SyslogStream`; the DCR's transformKql (syslog.dcr.json) filters and reshapes them for `Microsoft-Syslog`.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME (default
 * Custom-SyslogStream), and AZURE_* (or a managed identity) for the credential. See README.md.
 */
import { once } from 'node:events'
import { AzureLogsTransport } from '@dcr-logs/winston'
import winston from 'winston'

const PROCESS_NAME = 'payments-daemon'

const syslog = new AzureLogsTransport({
  streamName: process.env.DCR_LOGS_STREAM_NAME ?? 'Custom-SyslogStream',
  // The default columns (Body, SeverityText, Attributes, …) are not in this stream: every column the stream does
  // not declare would be dropped silently by Azure. So build exactly the declared columns from the default mapping.
  mapRecord: (columns) => {
    const { facility, ...context } = /** @type {Record<string, unknown>} */ (columns.Attributes ?? {})
    const error = columns.ExceptionType ? ` (${columns.ExceptionType}: ${columns.ExceptionMessage})` : ''
    return {
      TimeGenerated: columns.TimeGenerated,
      Computer: columns.HostName,
      HostName: columns.HostName,
      Facility: typeof facility === 'string' ? facility : 'daemon',
      SeverityLevel: columns.SeverityText, // winston's syslog level names; the DCR turns 'error' into 'err'
      SyslogMessage: `${columns.Body}${error}`,
      ProcessName: PROCESS_NAME,
      ProcessID: process.pid,
      // the rest of the record as JSON: the transformation appends it to SyslogMessage
      ...(Object.keys(context).length > 0 ? { Context: context } : {}),
    }
  },
  onDrop: (event) => console.error(`dcr-logs: ${event.records.length} record(s) dropped (${event.reason})`),
})

const { combine, timestamp, errors, splat, printf } = winston.format
const logger = winston.createLogger({
  levels: winston.config.syslog.levels, // emerg, alert, crit, error, warning, notice, info, debug
  level: 'debug',
  format: combine(timestamp(), errors({ stack: true }), splat()),
  transports: [
    new winston.transports.Console({
      format: printf(
        ({ level, message, err }) => `${level}: ${message}${err instanceof Error ? ` (${err.message})` : ''}`,
      ),
    }),
    syslog,
  ],
})

logger.info('daemon started, listening on port %d', 7443)
logger.debug('loaded 12 merchant profiles') // shown on the console; sent, but the DCR keeps it out of Syslog
logger.notice('merchant login', { facility: 'auth', merchantId: 'm-301' })
logger.warning('settlement batch is late', { batchId: 'b-88', minutesLate: 12 })
logger.error('card network timeout', { err: new Error('ETIMEDOUT after 30000 ms') })
logger.crit('ledger is read-only, payments paused', { facility: 'local0' })

const finished = once(logger, 'finish')
logger.end()
await finished

const { records } = syslog.stats()
console.log(`shipped ${records.delivered} of ${records.accepted} record(s), ${records.dropped} dropped`)
if (records.dropped > 0) process.exitCode = 1
