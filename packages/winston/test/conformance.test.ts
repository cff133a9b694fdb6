/**
 * winston's own transport conformance suite, `abstract-winston-transport`, run against AzureLogsTransport.
 * The suite is written for mocha (`done` callbacks, `after`): a few lines map its globals onto Vitest.
 */
import { createRequire } from 'node:module'
import * as vitest from 'vitest'
import { AzureLogsTransport } from '../src/index.ts'
import { useEmulator } from './helpers/emulator.ts'

type Callback = (done: (error?: unknown) => void) => unknown

/** A mocha-style function (`done` callback, `this` context) as a Vitest one returning a promise. */
const promised = (fn: Callback) =>
  fn.length === 0
    ? () => fn.call({}, () => {})
    : () =>
        new Promise<void>((resolve, reject) => {
          fn.call({}, (error) => (error ? reject(error) : resolve()))
        })

const env = useEmulator()
const instances: AzureLogsTransport[] = []

vitest.beforeAll(() => env.start())
vitest.afterAll(async () => {
  for (const transport of instances) transport.end()
  await env.stop()
})

const globals = globalThis as Record<string, unknown>
Object.assign(globals, {
  describe: (name: string, body: () => void) => vitest.describe(name, body),
  it: (name: string, fn: Callback) => vitest.it(name, promised(fn)),
  beforeEach: (fn: Callback) => vitest.beforeEach(promised(fn)),
  afterEach: (fn: Callback) => vitest.afterEach(promised(fn)),
  after: (fn: Callback) => vitest.afterAll(promised(fn)),
})

/** Every instance the suite creates ships to the emulator, and is ended after the suite. */
class SuiteTransport extends AzureLogsTransport {
  constructor() {
    super({
      endpoint: env.emulator.endpoint,
      ruleId: env.emulator.rules[0]!.ruleId,
      credential: env.emulator.credentialConfig,
    })
    instances.push(this)
  }
}

createRequire(import.meta.url)('abstract-winston-transport')({
  name: 'AzureLogsTransport',
  Transport: SuiteTransport,
})

vitest.it('delivered what the suite logged', async () => {
  await Promise.all(instances.map((t) => t.flush()))
  const bodies = env.emulator.rows<{ Body: string }>('AppLogs_CL').map((r) => r.Body)
  vitest.expect(bodies.length).toBeGreaterThanOrEqual(3)
  vitest.expect(new Set(bodies)).toEqual(new Set(['foo']))
})
