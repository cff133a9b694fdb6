import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_COLUMNS,
  DEFAULT_STREAM_DECLARATION,
  DEFAULT_STREAM_NAME,
  DEFAULT_TABLE_NAME,
  tableCreateRequest,
} from '../src/index.ts'

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'))

describe('default schema', () => {
  it('lists the columns of docs/architecture.md in order', () => {
    expect(DEFAULT_COLUMNS.map((c) => `${c.name}:${c.type}`)).toEqual([
      'TimeGenerated:datetime',
      'ObservedTimestamp:datetime',
      'SeverityText:string',
      'SeverityNumber:int',
      'Body:string',
      'Attributes:dynamic',
      'Resource:dynamic',
      'ServiceName:string',
      'HostName:string',
      'TraceId:string',
      'SpanId:string',
      'TraceFlags:int',
      'ScopeName:string',
      'ScopeVersion:string',
      'EventName:string',
      'ExceptionType:string',
      'ExceptionMessage:string',
      'ExceptionStacktrace:string',
    ])
    expect(DEFAULT_STREAM_NAME).toBe('Custom-AppLogs')
    expect(DEFAULT_TABLE_NAME).toBe('AppLogs_CL')
    expect(DEFAULT_STREAM_DECLARATION).toEqual({ columns: DEFAULT_COLUMNS })
  })

  it('ships schema/stream-declaration.json equal to DEFAULT_STREAM_DECLARATION', () => {
    expect(readJson('../schema/stream-declaration.json')).toEqual({
      [DEFAULT_STREAM_NAME]: { columns: DEFAULT_COLUMNS },
    })
  })

  it('ships schema/table.json as a table-create request with the same columns (dateTime for datetime)', () => {
    const table = readJson('../schema/table.json') as {
      properties: { schema: { name: string; columns: { name: string; type: string }[] } }
    }
    expect(table).toEqual(tableCreateRequest())
    expect(table.properties.schema.name).toBe(DEFAULT_TABLE_NAME)
    expect(table.properties.schema.columns.map((c) => [c.name, c.type])).toEqual(
      DEFAULT_COLUMNS.map((c) => [c.name, c.type === 'datetime' ? 'dateTime' : c.type]),
    )
  })

  it('agrees with the repository deploy templates', () => {
    expect(readJson('../../../deploy/app-logs.table.json')).toEqual(tableCreateRequest())
    const dcr = readJson('../../../deploy/app-logs.dcr.json') as {
      properties: { streamDeclarations: Record<string, unknown> }
    }
    expect(dcr.properties.streamDeclarations[DEFAULT_STREAM_NAME]).toEqual({ columns: DEFAULT_COLUMNS })
  })

  it('is frozen so adapters cannot change it by accident', () => {
    expect(Object.isFrozen(DEFAULT_COLUMNS)).toBe(true)
    expect(Object.isFrozen(DEFAULT_COLUMNS[0])).toBe(true)
  })
})
