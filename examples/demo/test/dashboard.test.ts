import { createHash, X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:tls'
import { createLogsIngestionClient } from '@dcr-logs/core'
import { type Emulator, startEmulator } from '@dcr-logs/test-harness'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

/** Debian's chromium (`apt-get install -y chromium`); CI installs it (.ci/run). */
const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
if (!available && process.env['CI'] === 'true') {
  throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium).`)
}

/**
 * The SHA-256 of the emulator's server key, base64: Chromium trusts exactly that key
 * (`--ignore-certificate-errors-spki-list`), the browser's way to trust the emulator without a system CA store.
 */
const serverKeyPin = (emulator: Emulator): Promise<string> =>
  new Promise((resolve, reject) => {
    const url = new URL(emulator.endpoint)
    const socket = connect({ host: url.hostname, port: Number(url.port), ca: emulator.caCertificate }, () => {
      const cert = new X509Certificate(socket.getPeerCertificate().raw)
      socket.end()
      resolve(
        createHash('sha256')
          .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
          .digest('base64'),
      )
    })
    socket.on('error', reject)
  })

let emulator: Emulator
let context: BrowserContext
let page: Page
let profile: string
beforeAll(async () => {
  if (!available) return
  emulator = await startEmulator()
  profile = mkdtempSync(join(tmpdir(), 'dcr-logs-chromium-'))
  // Without these flags Chromium reaches for the network at start, and connections are refused on a closed network.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--ignore-certificate-errors-spki-list=${await serverKeyPin(emulator)}`,
    ],
    viewport: { width: 1280, height: 640 },
  })
  page = context.pages()[0] ?? (await context.newPage())
})
afterAll(async () => {
  await context?.close()
  await emulator?.close()
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true })
})

describe.skipIf(!available)('the emulator dashboard in headless Chromium', () => {
  test('a row appears after a core push(); a fault toggled from the page fails requests until it is cleared', async () => {
    await page.goto(emulator.dashboardUrl)
    await page.locator('#status[data-state="live"]').waitFor()

    const client = createLogsIngestionClient({
      endpoint: emulator.endpoint,
      ruleId: emulator.rules[0]!.ruleId,
      streamName: 'Custom-AppLogs',
      credential: emulator.credentialConfig,
      ca: emulator.caCertificate,
      lingerMs: 20,
    })
    try {
      expect(
        client.push({ TimeGenerated: new Date(), SeverityText: 'info', SeverityNumber: 9, Body: 'hello from push()' }),
      ).toBe(true)
      await client.flush({ timeoutMs: 10_000 })
      const table = page.locator('.table-block[data-table="AppLogs_CL"]')
      await table.locator('td', { hasText: 'hello from push()' }).waitFor()
      await expect(table.locator('.count').textContent()).resolves.toBe('1')
      await page.locator('#requests tbody td.s2', { hasText: '204' }).first().waitFor()

      // Toggle a fault from the page: the control endpoint gets it, the page shows it, requests fail.
      await page.locator('[data-fault="status-503"]').click()
      await page.locator('#fault-summary', { hasText: '503 (Retry-After 1 s)' }).waitFor()
      expect(emulator.faults()).toEqual({ rules: [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 } }] })
      client.push({
        TimeGenerated: new Date(),
        SeverityText: 'warn',
        SeverityNumber: 13,
        Body: 'sent during an outage',
      })
      await page.locator('#requests tbody td.s5', { hasText: '503' }).first().waitFor()
      await page.locator('#requests tbody td', { hasText: 'status:503 retry-after:1' }).first().waitFor()

      // Clear it from the page: the client's retry lands the row, and the page shows it.
      await page.locator('#fault-clear').click()
      await page.locator('#fault-summary', { hasText: 'none' }).waitFor()
      expect(emulator.faults()).toBeUndefined()
      await table.locator('td', { hasText: 'sent during an outage' }).waitFor({ timeout: 20_000 })
      expect(client.stats().records).toMatchObject({ delivered: 2, dropped: 0 })

      const screenshot = process.env['DASHBOARD_SCREENSHOT']
      if (screenshot !== undefined && screenshot !== '') await page.screenshot({ path: screenshot, fullPage: true })
    } finally {
      await client.close({ timeoutMs: 5_000 })
    }
  })
})
