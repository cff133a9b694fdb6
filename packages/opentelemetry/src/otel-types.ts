/**
 * The parts of OpenTelemetry's logs SDK this package touches, declared structurally.
 *
 * Declaring them here (instead of importing `@opentelemetry/sdk-logs` types) keeps the published `.d.ts` free of
 * `@opentelemetry/api-logs`, which exists on the sdk-logs 0.2xx line only, and keeps the exporter assignable to
 * `LogRecordExporter` of both 0.2xx and 3.x (their record and exporter shapes are identical).
 */

import type { HrTimeLike } from '@dcr-logs/core'

export type { HrTimeLike }

/** What the exporter reads from an sdk-logs `ReadableLogRecord` (0.2xx and 3.x). */
export interface ReadableLogRecordLike {
  readonly hrTime: HrTimeLike
  readonly hrTimeObserved: HrTimeLike
  readonly spanContext?: { readonly traceId: string; readonly spanId: string; readonly traceFlags: number } | undefined
  readonly severityText?: string | undefined
  readonly severityNumber?: number | undefined
  readonly body?: unknown
  readonly eventName?: string | undefined
  readonly resource: { readonly attributes: Readonly<Record<string, unknown>> }
  readonly instrumentationScope: {
    readonly name: string
    readonly version?: string | undefined
    /** Scope attributes (sdk-logs 0.223+ and 3.x: `getLogger(name, version, { attributes })`). */
    readonly attributes?: Readonly<Record<string, unknown>> | undefined
  }
  readonly attributes: Readonly<Record<string, unknown>>
  /** Attributes the SDK dropped past its limits (`logRecordLimits.attributeCountLimit`). */
  readonly droppedAttributesCount?: number | undefined
}

/** `ExportResultCode.SUCCESS` of `@opentelemetry/core`, as a literal so nothing is imported at run time. */
export const EXPORT_SUCCESS = 0
/** `ExportResultCode.FAILED` of `@opentelemetry/core`. */
export const EXPORT_FAILED = 1

/** `ExportResult` of `@opentelemetry/core` (2.x and 3.x). */
export interface ExportResultLike {
  code: typeof EXPORT_SUCCESS | typeof EXPORT_FAILED
  error?: Error
}
