/**
 * The statistics of a routing client: every count summed over its routes, and each route's own under `routes`.
 * Pure.
 */
import type { DropReason, LogsIngestionStats } from '../types.js'

const addInto = (into: Record<string, number>, from: Readonly<Record<string, number | undefined>>): void => {
  for (const [k, v] of Object.entries(from)) if (v !== undefined) into[k] = (into[k] ?? 0) + v
}

/**
 * Sums route statistics. `averageFill` is the mean of the routes' weighted by their requests; `lastError` is the
 * latest of theirs; `conform` stays per route (routes check against different declarations).
 */
export const mergeStats = (routes: ReadonlyMap<string, LogsIngestionStats>): LogsIngestionStats => {
  const records = { accepted: 0, delivered: 0, dropped: 0, retried: 0, queued: 0, inFlight: 0 }
  const droppedByReason: Partial<Record<DropReason, number>> = {}
  const byStatus: Record<string, number> = {}
  const bytes = { raw: 0, sent: 0 }
  let requests = 0
  let fillWeighted = 0
  let queuedBytes = 0
  let lastError: LogsIngestionStats['lastError']
  const perRoute: Record<string, LogsIngestionStats> = {}
  for (const [name, s] of routes) {
    perRoute[name] = s
    for (const k of Object.keys(records) as (keyof typeof records)[]) records[k] += s.records[k]
    addInto(droppedByReason, s.droppedByReason)
    addInto(byStatus, s.requests.byStatus)
    bytes.raw += s.bytes.raw
    bytes.sent += s.bytes.sent
    requests += s.requests.total
    fillWeighted += s.averageFill * s.requests.total
    queuedBytes += s.queuedBytes
    if (s.lastError !== undefined && (lastError === undefined || s.lastError.at >= lastError.at))
      lastError = s.lastError
  }
  const merged: LogsIngestionStats = {
    records,
    droppedByReason,
    requests: { total: requests, byStatus },
    bytes,
    averageFill: requests === 0 ? 0 : fillWeighted / requests,
    queuedBytes,
    routes: perRoute,
  }
  if (lastError !== undefined) merged.lastError = lastError
  return merged
}
