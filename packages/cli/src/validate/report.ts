/** How `validate` prints its findings: one line each, errors first, then a count; or JSON for other tools. Pure. */
import { firstOf, plural } from '../format.ts'
import { type Finding, sortFindings } from './findings.ts'

const where = (f: Finding): string => {
  if (f.lines === undefined || f.lines.length === 0) return f.where
  const total = f.count ?? f.lines.length
  return `${f.where} line${total === 1 ? '' : 's'} ${firstOf(f.lines, total)}`
}

export const tally = (findings: readonly Finding[]) => ({
  errors: findings.filter((f) => f.severity === 'error').length,
  warnings: findings.filter((f) => f.severity === 'warning').length,
  notes: findings.filter((f) => f.severity === 'info').length,
})

export const textReport = (header: string, findings: readonly Finding[]): string => {
  const sorted = sortFindings(findings)
  const { errors, warnings, notes } = tally(sorted)
  const lines = [header, '']
  for (const f of sorted)
    lines.push(`${(f.severity === 'info' ? 'note' : f.severity).padEnd(7)} ${where(f)}: ${f.message} [${f.code}]`)
  if (sorted.length > 0) lines.push('')
  lines.push(
    errors + warnings + notes === 0
      ? 'No problems found.'
      : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}, ${plural(notes, 'note')}${errors > 0 ? ': Azure would refuse this DCR or drop data from these records without an error.' : '.'}`,
  )
  return `${lines.join('\n')}\n`
}

export const jsonReport = (findings: readonly Finding[], records: number): string => {
  const { errors, warnings, notes } = tally(findings)
  return `${JSON.stringify({ ok: errors === 0, errors, warnings, notes, records, findings: sortFindings(findings) }, null, 2)}\n`
}
