/**
 * The emulator ships the DCRs `dcr-logs init --preset …` writes (the adapters' preset tests load them): they must
 * stay exactly what users deploy.
 */
import { COMMON_SECURITY_LOG_DCR, SYSLOG_DCR } from '@dcr-logs/test-harness'
import { describe, expect, it } from 'vitest'
import { renderFiles } from '../src/init/files.ts'
import { planInit } from '../src/init/plan.ts'

describe("the test harness's built-in table DCRs", () => {
  it.each([
    ['syslog', SYSLOG_DCR],
    ['commonSecurityLog', COMMON_SECURITY_LOG_DCR],
  ] as const)('equal what dcr-logs init --preset %s writes', (preset, shipped) => {
    const dcr = renderFiles(planInit({ preset })).find((f) => f.role === 'dcr')!
    expect(JSON.parse(dcr.content)).toEqual(shipped)
  })
})
