// @ts-check
/**
 * An admin service whose audit events go to their own table (`Audit_CL`, kept a year), while everything else goes to
 * `AppLogs_CL`: one winston transport, one route. An audit event is any record logged with `audit: true`, here
 * through a child logger. The audit route is checked against its stream's declaration in routing.dcr.json.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID (the DCR of routing.dcr.json), and AZURE_*
 * (or a managed identity) for the credential. See README.md.
 */
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { AzureLogsTransport } from '@dcr-logs/winston'
import winston from 'winston'

const azure = new AzureLogsTransport({
  serviceName: 'admin-api',
  streamName: 'Custom-AppLogs', // the default route: records no route takes
  routes: [
    {
      name: 'audit',
      match: { field: { path: 'Attributes.audit', equals: true } },
      streamName: 'Custom-Audit', // same DCR, another stream; its data flow fills Audit_CL
      streamDeclaration: { file: fileURLToPath(new URL('./routing.dcr.json', import.meta.url)) },
      bufferShare: 0.25, // a flood of application logs cannot take the audit trail's buffer space
    },
  ],
  onDrop: (event) =>
    console.error(`dcr-logs: ${event.records.length} ${event.route} record(s) dropped (${event.reason})`),
})

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true })),
  transports: [new winston.transports.Console({ format: winston.format.simple() }), azure],
})
const audit = logger.child({ audit: true })

logger.info('admin api started', { port: 8443 })
audit.info('user signed in', { actor: 'ann', target: 'admin-api', outcome: 'success' })
logger.info('listing users', { page: 1 })
audit.warn('role granted', { actor: 'ann', target: 'user:bob', role: 'billing-admin', outcome: 'success' })
audit.warn('user deleted', { actor: 'ann', target: 'user:carol', outcome: 'failure', reason: 'has open invoices' })
logger.error('mail relay unreachable', { err: new Error('ECONNREFUSED') })

const finished = once(logger, 'finish')
logger.end()
await finished

const stats = azure.stats()
const routes = stats.routes ?? {}
console.log(
  `shipped ${routes.default?.records.delivered ?? 0} log(s) to AppLogs_CL and ${routes.audit?.records.delivered ?? 0} audit event(s) to Audit_CL, ${stats.records.dropped} dropped`,
)
if (stats.records.dropped > 0) process.exitCode = 1
