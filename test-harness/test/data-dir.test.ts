import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientSecretCredential } from '@azure/identity'
import { afterEach, describe, expect, test } from 'vitest'
import { CA_DIR_ENV, type Emulator, type EmulatorOptions, startEmulator } from '../src/index.ts'
import { decodeState, encodeState, SAVE_DELAY_MS, STATE_FILE } from '../src/persistence.ts'
import { dcrForWorkspace, fetchToken, ingest, recent } from './helpers.ts'

const dirs: string[] = []
const started: Emulator[] = []
const dataDir = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'data-dir-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })))
})
const start = async (dir: string, port?: number, options: EmulatorOptions = {}): Promise<Emulator> => {
  const e = await startEmulator({ dataDir: dir, ...(port !== undefined && { port }), ...options })
  started.push(e)
  return e
}

describe('--data-dir', () => {
  test('rows, request log, credentials, signing key and CA survive a restart; tokens from before keep working', async () => {
    const dir = await dataDir()
    const first = await start(dir)
    const when = recent()
    expect((await ingest(first, [{ TimeGenerated: when, Body: 'before', Attributes: { n: 1 } }])).status).toBe(204)
    const token = await fetchToken(first)
    const certificate = await readFile(first.certificateFile, 'utf8')
    await first.close()

    const second = await start(dir)
    expect(second.port).not.toBe(first.port)
    for (const field of [
      'tenantId',
      'clientId',
      'clientSecret',
      'caCertificate',
      'caFile',
      'certificateFile',
    ] as const) {
      expect(second[field], field).toBe(first[field])
    }
    expect(second.managedIdentity.identityHeader).toBe(first.managedIdentity.identityHeader)
    expect(await readFile(second.certificateFile, 'utf8')).toBe(certificate)
    const [row] = second.rows<{ Body: string; TimeGenerated: Date; Attributes: unknown }>('AppLogs_CL')
    expect(row).toMatchObject({ Body: 'before', Attributes: { n: 1 } })
    expect(row!.TimeGenerated).toEqual(new Date(when))
    expect(second.requests()).toHaveLength(1)
    expect(second.requests()[0]!.at).toBeInstanceOf(Date)
    // The token was signed before the restart: the kept key still verifies it.
    expect((await ingest(second, [{ Body: 'after' }], { token })).status).toBe(204)
    expect(second.count('AppLogs_CL')).toBe(2)
  })

  test('a credential that cached its token before a restart on the same port keeps working after it', async () => {
    const dir = await dataDir()
    const first = await start(dir)
    const credential = new ClientSecretCredential(first.tenantId, first.clientId, first.clientSecret, {
      authorityHost: first.authorityHost,
      disableInstanceDiscovery: true,
    })
    const before = await credential.getToken('https://monitor.azure.com/.default')
    await first.close()
    const second = await start(dir, first.port)
    const after = await credential.getToken('https://monitor.azure.com/.default')
    expect(after.token).toBe(before.token) // served from MSAL's cache, no new token request
    expect((await ingest(second, [{ Body: 'cached' }], { token: after.token })).status).toBe(204)
  })

  test('rows are written shortly after they arrive, not only at close (a killed emulator loses at most a second)', async () => {
    const dir = await dataDir()
    const e = await start(dir)
    await ingest(e, [{ Body: 'soon' }])
    let saved = ''
    const deadline = Date.now() + SAVE_DELAY_MS + 5_000
    while (!saved.includes('soon') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      saved = await readFile(join(dir, STATE_FILE), 'utf8').catch(() => '')
    }
    expect(saved).toContain('soon')
  })

  test('without a run CA (DCR_LOGS_EMULATOR_CA_DIR), the CA is kept in the data dir', async () => {
    const dir = await dataDir()
    const runCa = process.env[CA_DIR_ENV]
    delete process.env[CA_DIR_ENV]
    try {
      const first = await start(dir)
      await first.close()
      const second = await start(dir)
      expect(second.caFile).toBe(join(dir, 'ca.pem'))
      expect(second.caCertificate).toBe(first.caCertificate)
    } finally {
      process.env[CA_DIR_ENV] = runCa
    }
  })

  test('rows stay in their workspace, with the column types the query API reports', async () => {
    const dir = await dataDir()
    const A = 'dcr-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'
    const B = 'dcr-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'
    const options: EmulatorOptions = {
      dcrs: [
        { dcr: dcrForWorkspace('team-a'), immutableId: A },
        { dcr: dcrForWorkspace('team-b'), immutableId: B },
      ],
    }
    const first = await start(dir, undefined, options)
    await ingest(first, [{ Body: 'for a', SeverityNumber: 9 }], { ruleId: A })
    await ingest(first, [{ Body: 'for b' }, { Body: 'for b too' }], { ruleId: B })
    const [a, b] = first.workspaces.map((w) => w.workspaceId)
    await first.close()

    const second = await start(dir, undefined, options)
    expect(second.rows('AppLogs_CL', { workspaceId: a! }).map((r) => r['Body'])).toEqual(['for a'])
    expect(second.rows('AppLogs_CL', { workspaceId: b! }).map((r) => r['Body'])).toEqual(['for b', 'for b too'])
    expect(second.query('AppLogs_CL | count', { workspaceId: b! }).rows).toEqual([[2]])
    // Integer division needs the column's type, which comes from the DCR at ingestion and is kept with the rows.
    const typed = second.query('AppLogs_CL | project Half = SeverityNumber / 2, TenantId', { workspaceId: a! })
    expect(typed).toEqual({
      columns: [
        { name: 'Half', type: 'long' },
        { name: 'TenantId', type: 'string' },
      ],
      rows: [[4, a]],
    })
  })

  test('reset() is kept too', async () => {
    const dir = await dataDir()
    const first = await start(dir)
    await ingest(first, [{ Body: 'gone' }])
    first.reset()
    await first.close()
    const second = await start(dir)
    expect(second.counts()).toEqual({})
  })

  test('an unreadable state file is reported with what to do', async () => {
    const dir = await dataDir()
    await writeFile(join(dir, STATE_FILE), '{not json')
    await expect(startEmulator({ dataDir: dir })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/state\.json is unreadable .*Delete it/),
    })
  })

  test('options given at start win over the kept credentials, and are kept from then on', async () => {
    const dir = await dataDir()
    const first = await start(dir)
    await first.close()
    const second = await startEmulator({ dataDir: dir, clientSecret: 'given-secret' })
    started.push(second)
    expect(second.clientSecret).toBe('given-secret')
    expect(second.clientId).toBe(first.clientId)
    await second.close()
    expect((await start(dir)).clientSecret).toBe('given-secret')
  })

  test('the state codec keeps datetimes and longs past 2^53', () => {
    const at = new Date('2026-01-15T10:00:00.123Z')
    const snapshot = {
      version: 1 as const,
      tables: [
        {
          workspaceId: 'd3a1e2c4-0000-4000-8000-000000000001',
          table: 'T_CL',
          columns: [{ name: 'Big', type: 'long' as const }],
          rows: [{ At: at, Big: 9007199254740993n, Nested: { d: at, s: 'x' } }],
        },
      ],
      requests: [],
      dcrErrors: [],
    }
    expect(decodeState(encodeState(snapshot))).toEqual(snapshot)
  })
})
