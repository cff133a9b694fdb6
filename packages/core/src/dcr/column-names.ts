/**
 * The rules Log Analytics applies to column names, for stream declarations and tables alike (Microsoft Learn,
 * "Add or delete tables and columns in Azure Monitor Logs"): a letter first, then ASCII letters, digits or `_`,
 * 2 to 45 characters, and none of the reserved names. Pure.
 */

/** Shortest and longest column name Log Analytics accepts. */
export const COLUMN_NAME_LENGTH = Object.freeze({ min: 2, max: 45 })

/**
 * Names the service reserves: the union of the lists in create-custom-table and logs-ingestion-api-overview,
 * compared case-insensitively.
 */
export const RESERVED_COLUMN_NAMES: readonly string[] = Object.freeze([
  'id',
  'BilledSize',
  'IsBillable',
  'InvalidTimeGenerated',
  'TenantId',
  'Title',
  'Type',
  'UniqueId',
  '_ItemId',
  '_ResourceGroup',
  '_ResourceId',
  '_SubscriptionId',
  '_TimeReceived',
])

const RESERVED = new Set(RESERVED_COLUMN_NAMES.map((n) => n.toLowerCase()))

/** Why a name cannot be a column. */
export type ColumnNameProblemCode = 'too-short' | 'too-long' | 'first-character' | 'characters' | 'reserved'

export interface ColumnNameProblem {
  code: ColumnNameProblemCode
  /** What is wrong, in a sentence that names the column. */
  message: string
  /** A valid name close to the original, when one can be made. */
  suggestion: string | undefined
}

/** True for a name Log Analytics accepts as a column. */
export const isValidColumnName = (name: string): boolean => checkColumnName(name) === undefined

/** A valid column name made from `name`: invalid characters become `_`, a reserved name gets a `_` appended. */
export const suggestColumnName = (name: string): string | undefined => {
  let s = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+/, '')
  if (s !== '' && !/^[A-Za-z]/.test(s)) s = `c${s}`
  s = s.slice(0, COLUMN_NAME_LENGTH.max)
  if (RESERVED.has(s.toLowerCase())) s = `${s.slice(0, COLUMN_NAME_LENGTH.max - 1)}_`
  if (s.length < COLUMN_NAME_LENGTH.min) return undefined
  return s === name ? undefined : s
}

/** The first rule `name` breaks, or undefined when it is a valid column name. */
export const checkColumnName = (name: string): ColumnNameProblem | undefined => {
  const problem = (code: ColumnNameProblemCode, why: string): ColumnNameProblem => {
    const suggestion = suggestColumnName(name)
    return {
      code,
      message: `'${name}' ${why}${suggestion === undefined ? '' : `; rename it, e.g. to '${suggestion}'`}`,
      suggestion,
    }
  }
  if (RESERVED.has(name.toLowerCase())) return problem('reserved', 'is a name the service reserves')
  if (name.length < COLUMN_NAME_LENGTH.min)
    return problem('too-short', `is too short: column names have ${COLUMN_NAME_LENGTH.min} to 45 characters`)
  if (name.length > COLUMN_NAME_LENGTH.max)
    return problem('too-long', `is too long: column names have 2 to ${COLUMN_NAME_LENGTH.max} characters`)
  if (!/^[A-Za-z]/.test(name)) return problem('first-character', 'must start with a letter (A-Z or a-z)')
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
    return problem('characters', 'may hold only ASCII letters, digits and _ (no spaces, dots, dashes or accents)')
  return undefined
}
