// @ts-check
/**
 * An orders API on Fastify. Fastify's built-in pino logger ships every request log (method, url, status code,
 * response time, request id) to Azure Monitor Logs through the @dcr-logs/pino target in a worker thread.
 *
 * Configured only by the environment: DCR_LOGS_ENDPOINT, DCR_LOGS_RULE_ID, DCR_LOGS_STREAM_NAME, and AZURE_* (or a
 * managed identity) for the credential; HOST and PORT for the server. See README.md.
 */
import Fastify from 'fastify'

const app = Fastify({
  logger: {
    level: 'info',
    transport: {
      target: '@dcr-logs/pino',
      options: { serviceName: 'orders-api', resource: { 'service.version': '4.2.0' } },
    },
  },
})

/** @type {Map<string, { id: string, sku: string, quantity: number }>} */
const orders = new Map([['1001', { id: '1001', sku: 'A-100', quantity: 2 }]])

// probes every few seconds would drown the table: no logs for this route
app.get('/health', { logLevel: 'silent' }, async () => ({ status: 'ok' }))

app.get('/orders/:id', async (request, reply) => {
  const { id } = /** @type {{ id: string }} */ (request.params)
  const order = orders.get(id)
  if (order === undefined) return reply.code(404).send({ error: `order ${id} not found` })
  return order
})

app.post('/orders', async (request, reply) => {
  const { sku, quantity } = /** @type {{ sku: string, quantity: number }} */ (request.body)
  const order = { id: String(1000 + orders.size + 1), sku, quantity }
  orders.set(order.id, order)
  // request.log carries the request id, so this line joins the request's own rows on Attributes.reqId
  request.log.info({ orderId: order.id, sku }, 'order created')
  return reply.code(201).send(order)
})

app.get('/reports/daily', async () => {
  throw new Error('report store unreachable') // Fastify answers 500 and logs the error with its stack
})

// Containers and Kubernetes stop a service with SIGTERM: stop taking requests, let the ones in flight finish, then
// exit, so pino's exit hook delivers the last log lines (a signal alone would kill the worker thread with them).
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    app.log.info({ signal }, 'shutting down')
    await app.close()
    process.exit(0)
  })
}

const address = await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3000) })
console.log(`orders API listening on ${address}`)
