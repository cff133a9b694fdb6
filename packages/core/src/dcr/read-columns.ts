/**
 * Reading the columns of one stream declaration, with every problem DCR creation would report, and the small
 * JSON helpers DCR reading shares. Pure.
 */
import type { ColumnDefinition, StreamColumnType } from '../schema.js'
import { checkColumnName } from './column-names.js'
import { type DcrProblem, STREAM_COLUMN_TYPES } from './dcr-types.js'

export type Json = Record<string, unknown>

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
/** An ARM template expression such as `[parameters('x')]` (`[[` escapes a literal bracket). */
export const isExpression = (v: unknown): boolean => typeof v === 'string' && v.startsWith('[') && !v.startsWith('[[')
/** A `<placeholder>` left in a file meant to be filled in. */
export const isPlaceholder = (v: unknown): boolean => typeof v === 'string' && /^<[^>]+>$/.test(v)
export const quote = (key: string): string => `['${key}']`

/** Reads the columns of one stream declaration, pushing every problem. */
export const readColumns = (raw: unknown, where: string, problems: DcrProblem[]): ColumnDefinition[] => {
  const error = (code: string, path: string, message: string) =>
    problems.push({ severity: 'error', code, path, message })
  if (!isObject(raw) || !Array.isArray(raw['columns']) || raw['columns'].length === 0) {
    error('InvalidStreamDeclaration', where, "a stream declaration needs a non-empty 'columns' array")
    return []
  }
  const columns: ColumnDefinition[] = []
  const seen = new Map<string, string>()
  raw['columns'].forEach((c: unknown, i: number) => {
    const at = `${where}.columns[${i}]`
    if (!isObject(c) || typeof c['name'] !== 'string' || typeof c['type'] !== 'string') {
      error('InvalidStreamDeclaration', at, "each column needs a string 'name' and 'type'")
      return
    }
    const name = c['name']
    const rawType = c['type']
    if (isExpression(name) || isExpression(rawType)) {
      problems.push({
        severity: 'warning',
        code: 'TemplateExpression',
        path: at,
        message: `the column is an ARM template expression (${name}: ${rawType}); it is not checked`,
      })
      return
    }
    const nameProblem = checkColumnName(name)
    if (nameProblem !== undefined) error('InvalidColumnName', at, nameProblem.message)
    const twin = seen.get(name.toLowerCase())
    if (twin !== undefined)
      error('InvalidColumnName', at, `'${name}' is declared twice (also as '${twin}'; names differing in case clash)`)
    seen.set(name.toLowerCase(), name)
    const type = rawType.toLowerCase() as StreamColumnType
    if (type === ('guid' as StreamColumnType)) {
      error('InvalidColumnType', at, `'guid' is a table type, not a stream type; declare '${name}' as 'string'`)
    } else if (!STREAM_COLUMN_TYPES.includes(type)) {
      error(
        'InvalidColumnType',
        at,
        `'${rawType}' is not a stream column type; use one of ${STREAM_COLUMN_TYPES.join(', ')}`,
      )
    } else {
      columns.push({ name, type })
    }
  })
  return columns
}
