import type { DropEvent, LogsIngestionStats } from '@dcr-logs/core'
import { describe, expect, it } from 'vitest'
import { createReporter, EVENTS, type ReportSink, summarize } from '../src/report.ts'

const coreStats = (over: Partial<LogsIngestionStats['records']> = {}, droppedByReason = {}): LogsIngestionStats => ({
  records: { accepted: 0, delivered: 0, dropped: 0, retried: 0, queued: 0, inFlight: 0, ...over },
  droppedByReason,
  requests: { total: 0, byStatus: {} },
  bytes: { raw: 0, sent: 0 },
  averageFill: 0,
  queuedBytes: 0,
})

const recordingSink = () => {
  const events: Array<[string, unknown]> = []
  const warnings: string[] = []
  const finals: string[] = []
  const sink: ReportSink = {
    event: (name, payload) => events.push([name, payload]),
    warn: (message) => warnings.push(message),
    final: (message) => finals.push(message),
  }
  return { sink, events, warnings, finals }
}

const drop = (reason: DropEvent['reason'], n: number, status?: number): DropEvent => ({
  reason,
  records: Array.from({ length: n }, () => '{}'),
  retriable: status !== undefined && status >= 500,
  error: new Error(`${reason} happened`),
  ...(status === undefined ? {} : { status }),
})

describe('createReporter', () => {
  it('coalesces drops by reason into one event per publish, and warns once per reason', () => {
    const { sink, events, warnings } = recordingSink()
    const reporter = createReporter({ sink, reportIntervalMs: 60_000, warnings: true })
    reporter.drop(drop('buffer-full', 1))
    reporter.drop(drop('buffer-full', 1))
    reporter.drop(drop('retries-exhausted', 40, 503))
    expect(events).toEqual([])
    reporter.publish()
    expect(events).toEqual([
      [EVENTS.drop, { reason: 'buffer-full', records: 2, retriable: false, message: 'buffer-full happened' }],
      [
        EVENTS.drop,
        {
          reason: 'retries-exhausted',
          records: 40,
          status: 503,
          retriable: true,
          message: 'retries-exhausted happened',
        },
      ],
    ])
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toBe(
      "@dcr-logs/pino: buffer-full happened Further 'buffer-full' drops are counted without warnings; listen for 'dcr-logs:drop' on the transport for each report.",
    )
    reporter.publish()
    expect(events).toHaveLength(2)
  })

  it('counts bad lines by reason and keeps only a short preview', () => {
    const { sink, events } = recordingSink()
    const reporter = createReporter({ sink, reportIntervalMs: 0, warnings: false })
    reporter.invalidLine('not-json', 'line is not JSON', 'x'.repeat(500))
    reporter.invalidLine('too-large', 'too big', 'y')
    expect(events.at(-1)).toEqual([
      EVENTS.invalidLines,
      { byReason: { 'too-large': 1 }, lastMessage: 'too big', lastPreview: 'y' },
    ])
    expect((events[0]![1] as { lastPreview: string }).lastPreview).toHaveLength(120)
    expect(reporter.stats(coreStats()).lines).toEqual({
      mapped: 0,
      filtered: 0,
      invalid: 2,
      invalidByReason: { 'not-json': 1, 'too-large': 1 },
    })
  })

  it('prints a final summary at close only when something was lost', () => {
    const quiet = recordingSink()
    createReporter({ sink: quiet.sink, reportIntervalMs: 0, warnings: true }).close(coreStats({ delivered: 5 }))
    expect(quiet.finals).toEqual([])
    expect(quiet.events.map(([name]) => name)).toEqual([EVENTS.stats])

    const lossy = recordingSink()
    createReporter({ sink: lossy.sink, reportIntervalMs: 0, warnings: true }).close(
      coreStats({ delivered: 5, dropped: 3 }, { 'shutdown-timeout': 3 }),
    )
    expect(lossy.finals).toEqual(['@dcr-logs/pino: 5 delivered, 3 dropped (shutdown-timeout 3)'])
  })
})

describe('summarize', () => {
  it('names every kind of loss', () => {
    const stats = {
      ...coreStats({ delivered: 10, dropped: 2 }, { 'buffer-full': 2 }),
      lastError: { message: '503 after 4 attempts', at: '2025-01-01T00:00:00.000Z' },
      lines: { mapped: 12, filtered: 1, invalid: 3, invalidByReason: { 'not-json': 3 } },
    }
    expect(summarize(stats)).toBe(
      '@dcr-logs/pino: 10 delivered, 2 dropped (buffer-full 2), 3 invalid line(s) skipped (not-json 3), 1 filtered by the mapper; last error: 503 after 4 attempts',
    )
  })
})
