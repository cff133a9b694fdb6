/**
 * Pure mapping from an OpenTelemetry `ReadableLogRecord` to the default schema's columns
 * (docs/architecture.md, "The default schema"). Fields are read by name: records are `LogRecordImpl` instances
 * whose data sits behind getters over private fields, so spreading or serialising one loses everything.
 */
import {
  createResourceFilter,
  epochMsToIso,
  hrTimeToIso,
  isValidSpanId,
  isValidTraceId,
  type LogColumns,
  type ResourceAttributeSelection,
  safeJsonStringify,
} from '@dcr-logs/core'
import type { ReadableLogRecordLike } from './otel-types.ts'

/** Attributes promoted to their own columns and not repeated in `Attributes` (stack traces are large). */
const EXCEPTION_KEYS = {
  'exception.type': 'ExceptionType',
  'exception.message': 'ExceptionMessage',
  'exception.stacktrace': 'ExceptionStacktrace',
} as const

/** `Attributes` keys for what the default schema has no column for (names after OTLP's fields). */
export const SCOPE_ATTRIBUTES_KEY = 'otel.scope.attributes'
export const DROPPED_ATTRIBUTES_KEY = 'otel.dropped_attributes_count'
const EVENT_NAME_KEY = 'event.name'

type Attributes = Readonly<Record<string, unknown>>

/** `Body` column: strings as they are, bytes as base64, anything else as JSON text (the column is a string). */
export function bodyColumn(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64')
  return safeJsonStringify(body)
}

function hasKeys(value: Attributes | undefined): value is Attributes {
  if (value === undefined || value === null || typeof value !== 'object') return false
  for (const _ in value) return true
  return false
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== ''
}

/** The columns that come from the resource, worked out once per resource object (one per provider). */
interface ResourceColumns {
  Resource?: Attributes
  ServiceName?: string
  HostName?: string
}

export interface RecordMapperOptions {
  /** Which resource attributes `Resource` keeps. @defaultValue core's `DEFAULT_RESOURCE_ATTRIBUTES` */
  resourceAttributes?: ResourceAttributeSelection | undefined
  /** Clock for the last-resort `TimeGenerated`, epoch milliseconds. */
  now: () => number
}

/**
 * The mapping of one exporter: `ReadableLogRecord` → default-schema columns. Absent values are left out (never
 * `null`), so rows stay small and KQL sees them as empty. `ServiceName` and `HostName` come from the whole resource,
 * `Resource` keeps what `resourceAttributes` selects.
 */
export function createRecordMapper(options: RecordMapperOptions): (record: ReadableLogRecordLike) => LogColumns {
  const select = createResourceFilter(options.resourceAttributes)
  let lastResource: unknown
  let lastColumns: ResourceColumns = {}
  const resourceColumns = (attributes: Attributes | undefined): ResourceColumns => {
    if (attributes === lastResource) return lastColumns
    const out: ResourceColumns = {}
    const kept = select(attributes)
    if (kept !== undefined) out.Resource = kept
    if (nonEmptyString(attributes?.['service.name'])) out.ServiceName = attributes['service.name']
    if (nonEmptyString(attributes?.['host.name'])) out.HostName = attributes['host.name']
    lastResource = attributes
    lastColumns = out
    return out
  }

  return (record) => {
    const columns: LogColumns = {}
    const observed = hrTimeToIso(record.hrTimeObserved)
    columns['TimeGenerated'] = hrTimeToIso(record.hrTime) ?? observed ?? epochMsToIso(options.now())
    if (observed !== undefined) columns['ObservedTimestamp'] = observed

    const { severityText, severityNumber } = record
    if (typeof severityText === 'string' && severityText !== '') columns['SeverityText'] = severityText
    // 0 is SeverityNumber.UNSPECIFIED
    if (typeof severityNumber === 'number' && severityNumber > 0) columns['SeverityNumber'] = severityNumber

    const body = bodyColumn(record.body)
    if (body !== undefined) columns['Body'] = body

    const attributes = record.attributes
    // `event.name` is how the Events API and older bridges carried it before `eventName` (sdk-logs 0.202)
    const fromAttribute = attributes?.[EVENT_NAME_KEY]
    const eventName = nonEmptyString(record.eventName) ? record.eventName : fromAttribute
    const scope = record.instrumentationScope
    const dropped = record.droppedAttributesCount
    const extra: Record<string, unknown> = {}
    if (hasKeys(scope?.attributes)) extra[SCOPE_ATTRIBUTES_KEY] = scope.attributes
    if (typeof dropped === 'number' && dropped > 0) extra[DROPPED_ATTRIBUTES_KEY] = dropped
    const kept = attributesColumn(attributes, nonEmptyString(eventName) ? eventName : undefined, extra)
    if (kept !== undefined) columns['Attributes'] = kept
    if (hasKeys(attributes)) {
      for (const key of Object.keys(EXCEPTION_KEYS) as (keyof typeof EXCEPTION_KEYS)[]) {
        const value = attributes[key]
        if (nonEmptyString(value)) columns[EXCEPTION_KEYS[key]] = value
      }
    }

    const fromResource = resourceColumns(record.resource?.attributes)
    if (fromResource.Resource !== undefined) columns['Resource'] = fromResource.Resource
    if (fromResource.ServiceName !== undefined) columns['ServiceName'] = fromResource.ServiceName
    if (fromResource.HostName !== undefined) columns['HostName'] = fromResource.HostName

    const span = record.spanContext
    if (span !== undefined && isValidTraceId(span.traceId) && isValidSpanId(span.spanId)) {
      columns['TraceId'] = span.traceId
      columns['SpanId'] = span.spanId
      columns['TraceFlags'] = span.traceFlags
    }

    if (nonEmptyString(scope?.name)) columns['ScopeName'] = scope.name
    if (nonEmptyString(scope?.version)) columns['ScopeVersion'] = scope.version
    if (nonEmptyString(eventName)) columns['EventName'] = eventName
    return columns
  }
}

/**
 * `Attributes`: the record's attributes without what has a column (the `exception.*` strings, an `event.name`
 * that `EventName` holds), plus `extra`. The record's own object when nothing changes.
 */
function attributesColumn(
  attributes: Attributes | undefined,
  eventName: string | undefined,
  extra: Record<string, unknown>,
): Attributes | undefined {
  const hasExtra = hasKeys(extra)
  if (!hasKeys(attributes)) return hasExtra ? extra : undefined
  let copy: Record<string, unknown> | undefined
  for (const key of Object.keys(EXCEPTION_KEYS)) {
    if (typeof attributes[key] !== 'string') continue
    copy ??= { ...attributes }
    delete copy[key]
  }
  if (eventName !== undefined && attributes[EVENT_NAME_KEY] === eventName) {
    copy ??= { ...attributes }
    delete copy[EVENT_NAME_KEY]
  }
  if (hasExtra) copy = Object.assign(copy ?? { ...attributes }, extra)
  const result = copy ?? attributes
  return hasKeys(result) ? result : undefined
}

/** Maps one record with the default resource selection (see `createRecordMapper` for repeated use). */
export function mapLogRecord(record: ReadableLogRecordLike, options: RecordMapperOptions): LogColumns {
  return createRecordMapper(options)(record)
}
