/**
 * The schema of the table a data flow writes to, when it can be known: given with --table-schema (a Tables API
 * body, `{name, columns}`, or a template holding the table), found in the DCR's own ARM template (as
 * `dcr-logs init` writes it), or one of the built-in tables the emulator knows. Pure.
 */
import { BUILT_IN_TABLES, normaliseTableSchema, type TableSchema } from '@dcr-logs/test-harness'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

const TABLE_TYPE = 'microsoft.operationalinsights/workspaces/tables'

const asSchema = (v: unknown): { name: string; columns: { name: string; type: string }[] } | undefined => {
  if (!isObject(v) || typeof v['name'] !== 'string' || !Array.isArray(v['columns'])) return undefined
  const columns = v['columns'].filter(
    (c): c is { name: string; type: string } =>
      isObject(c) && typeof c['name'] === 'string' && typeof c['type'] === 'string',
  )
  return { name: v['name'], columns }
}

/** Every table schema a document holds: a schema, a Tables API body, or an ARM template's table resources. */
export const tableSchemasIn = (doc: unknown): TableSchema[] => {
  if (!isObject(doc)) return []
  const raw: unknown[] = []
  if (Array.isArray(doc['resources'])) {
    for (const r of doc['resources']) {
      if (isObject(r) && String(r['type']).toLowerCase() === TABLE_TYPE && isObject(r['properties']))
        raw.push(r['properties']['schema'])
    }
  } else if (isObject(doc['properties'])) {
    raw.push(doc['properties']['schema'])
  } else {
    raw.push(doc)
  }
  const schemas: TableSchema[] = []
  for (const r of raw) {
    const s = asSchema(r)
    if (s === undefined) continue
    try {
      schemas.push(normaliseTableSchema(s))
    } catch {
      // a column of an unknown type: the schema is not usable for checks
    }
  }
  return schemas
}

/** The schema of `table`, from the given schemas or the built-in ones. */
export const findTable = (table: string, given: readonly TableSchema[]): TableSchema | undefined =>
  given.find((t) => t.name === table) ?? BUILT_IN_TABLES.find((t) => t.name === table)
