import { DEFAULT_DCR } from '@dcr-logs/test-harness'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import winston from 'winston'
import { endLogger, type Row, TABLE, useEmulator } from './helpers/emulator.ts'

/** A second DCR with its own stream and table, as an application's audit trail might have. */
const AUDIT_DCR = {
  location: 'westeurope',
  kind: 'Direct',
  properties: {
    streamDeclarations: {
      'Custom-Audit': {
        columns: [
          { name: 'TimeGenerated', type: 'datetime' },
          { name: 'Actor', type: 'string' },
          { name: 'Action', type: 'string' },
          { name: 'Level', type: 'string' },
        ],
      },
    },
    destinations: { logAnalytics: [{ workspaceResourceId: '<workspace-resource-id>', name: 'workspace' }] },
    dataFlows: [
      {
        streams: ['Custom-Audit'],
        destinations: ['workspace'],
        transformKql: 'source',
        outputStream: 'Custom-Audit_CL',
      },
    ],
  },
}

interface AuditRow {
  TimeGenerated: Date
  Actor: string
  Action: string
  Level: string
}

const env = useEmulator()
beforeAll(() =>
  env.start({
    dcrs: [DEFAULT_DCR, { dcr: AUDIT_DCR, immutableId: 'dcr-aaaabbbbccccddddeeeeffff00001111', name: 'audit' }],
  }),
)
afterAll(() => env.stop())
beforeEach(() => env.reset())

describe('several AzureLogsTransports on one logger', () => {
  it('send to their own DCR and stream, each with its level and mapping', async () => {
    const appLogs = env.transportFor()
    const audit = env.transportFor(
      {
        streamName: 'Custom-Audit',
        level: 'warn',
        mapRecord: (columns, info) => {
          const { actor } = info as { actor?: string }
          return actor === undefined
            ? null
            : { TimeGenerated: columns.TimeGenerated, Actor: actor, Action: columns.Body, Level: columns.SeverityText }
        },
      },
      1,
    )
    const logger = winston.createLogger({ transports: [appLogs, audit] })
    logger.info('page viewed', { actor: 'ann' })
    logger.warn('role granted', { actor: 'bob' })
    logger.error('disk almost full')
    await endLogger(logger)

    expect(env.emulator.rows<Row>(TABLE).map((r) => r.Body)).toEqual([
      'page viewed',
      'role granted',
      'disk almost full',
    ])
    const auditRows = env.emulator.rows<AuditRow>('Audit_CL')
    expect(auditRows).toEqual([
      { TimeGenerated: expect.any(Date), Actor: 'bob', Action: 'role granted', Level: 'warn' },
    ])
    expect(env.drops).toEqual([])
    const targets = new Set(env.emulator.requests().map((r) => `${r.ruleId} ${r.stream} ${r.status}`))
    expect(targets).toEqual(
      new Set([
        `${env.emulator.rules[0]!.ruleId} Custom-AppLogs 204`,
        'dcr-aaaabbbbccccddddeeeeffff00001111 Custom-Audit 204',
      ]),
    )
  })
})
