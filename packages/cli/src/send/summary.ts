/** The lines `send` prints at the end: what was read, delivered and lost, and why. Pure. */
import type { DropReason, LogsIngestionStats } from '@dcr-logs/core'
import { count, duration, firstOf, plural } from '../format.ts'

export interface SendTally {
  readonly source: string
  readonly records: number
  readonly badLines: readonly number[]
  readonly badLineCount: number
  /** Fields and values the DCR's declaration would lose (with --dcr), by description. */
  readonly lostFields: number
  /** Records whose TimeGenerated the service will replace (more than 2 days old or 1 day ahead). */
  readonly outOfWindow: number
  readonly elapsedMs: number
  readonly interrupted: NodeJS.Signals | undefined
  /** The first error message of each drop reason. */
  readonly dropMessages: ReadonlyMap<DropReason, string>
}

export const sendSummary = (t: SendTally, stats: LogsIngestionStats): string => {
  const { delivered, dropped } = stats.records
  const reasons = Object.entries(stats.droppedByReason)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([reason, n]) => `${reason} ${count(n ?? 0)}`)
  const lines = [
    `dcr-logs send: ${plural(t.records, 'record')} from ${t.source}${t.interrupted === undefined ? '' : ` (stopped by ${t.interrupted})`} in ${duration(t.elapsedMs)}: ${count(delivered)} delivered, ${count(dropped)} dropped${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}, ${plural(t.badLineCount, 'bad line')}${t.badLineCount > 0 ? ` (line ${firstOf(t.badLines, t.badLineCount)})` : ''}`,
  ]
  for (const [reason, message] of t.dropMessages) lines.push(`  ${reason}: ${message}`)
  if (t.lostFields > 0)
    lines.push(
      `  ${plural(t.lostFields, 'field or value', 'fields or values')} not sent: the DCR does not declare them or they do not fit their column (see above)`,
    )
  if (t.outOfWindow > 0)
    lines.push(
      `  ${plural(t.outOfWindow, 'record')} with a TimeGenerated more than 2 days old or 1 day ahead: Azure stores them with the time they arrived`,
    )
  return `${lines.join('\n')}\n`
}
