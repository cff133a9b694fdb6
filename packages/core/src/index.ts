/**
 * `@dcr-logs/core`: batching, gzip, auth and retry for the Azure Monitor Logs Ingestion API.
 * Every export is listed by name.
 */

// helpers for adapters: one implementation of what every framework mapping needs
export type { EarlyTokenSetup } from './adapter/early-token.js'
export { prepareEarlyToken } from './adapter/early-token.js'
export type { ExitParticipant } from './adapter/exit-hooks.js'
export {
  exitParticipantCount,
  holdProcessUntil,
  registerExitParticipant,
  unregisterExitParticipant,
} from './adapter/exit-hooks.js'
export type { ResourceAttributeSelection, ResourceFacts, ResourceLookup } from './adapter/resource.js'
export {
  createResourceCache,
  createResourceFilter,
  DEFAULT_RESOURCE_ATTRIBUTES,
  resourceFacts,
} from './adapter/resource.js'
export { safeJsonStringify } from './adapter/safe-json.js'
export {
  CLI_SEVERITIES,
  NPM_SEVERITIES,
  SYSLOG_SEVERITIES,
  severityBetween,
  severityForPinoLevel,
  severityTableForLevels,
  UNSPECIFIED_SEVERITY,
} from './adapter/severity.js'
export type { HrTimeLike } from './adapter/time.js'
export { epochMsToIso, epochToMs, hrTimeToIso, toIsoTime } from './adapter/time.js'
export type { TraceColumns } from './adapter/trace-context.js'
export { isValidSpanId, isValidTraceId, parseTraceFlags, TRACE_FIELDS, traceColumns } from './adapter/trace-context.js'
export type { ClientDeps } from './client.js'
export { createLogsIngestionClient } from './client.js'
export type { ColumnMapperOptions, ColumnMapSpec, ColumnSourceSpec, ColumnValueType } from './column-mapper.js'
export { createColumnMapper } from './column-mapper.js'
export type { ColumnNameProblem, ColumnNameProblemCode } from './dcr/column-names.js'
export {
  COLUMN_NAME_LENGTH,
  checkColumnName,
  isValidColumnName,
  RESERVED_COLUMN_NAMES,
  suggestColumnName,
} from './dcr/column-names.js'
export type { Conformer, ConformResult, ConvertedValue, DroppedValue, UnknownField } from './dcr/conform.js'
export { createConformer } from './dcr/conform.js'
export { isIsoDateTime, parseDateTimeText } from './dcr/datetime.js'
export type {
  DcrDataFlow,
  DcrProblem,
  DcrProblemSeverity,
  DcrSummary,
  ReadDcrResult,
  StreamDeclaration,
  StreamDeclarationResult,
} from './dcr/dcr-types.js'
export { DCR_LIMITS, STREAM_COLUMN_TYPES } from './dcr/dcr-types.js'
export { resolveStreamDeclaration } from './dcr/declaration.js'
export type { InferResult, InferredField } from './dcr/infer.js'
export { inferColumns, inferValueType, joinTypes } from './dcr/infer.js'
export { readDcr } from './dcr/read-dcr.js'
export type { DropDiagnosticEvent, RequestEvent, RetryEvent, TokenEvent, WarningEvent } from './diagnostics.js'
export { DIAGNOSTIC_CHANNELS } from './diagnostics.js'
export type { LogsIngestionErrorCode, LogsIngestionErrorInfo } from './errors.js'
export { DROP_REASON_CODES, isLogsIngestionError, LogsIngestionError } from './errors.js'
export type { ExceptionColumns } from './exception.js'
export { exceptionColumns } from './exception.js'
export type { IngestionTransport, SendOutcome, SendRequest } from './http/transport.js'
export type { CheckOptionNamesOptions } from './option-names.js'
export { checkOptionNames, closestName, UNKNOWN_OPTION_WARNING } from './option-names.js'
export type { Env, LogsIngestionClientOptions, ResolvedOptions, SpoolOptions } from './options.js'
export { AUDIENCES, CORE_OPTION_NAMES, DEFAULTS, envVarFor, SPOOL_DEFAULTS } from './options.js'
export type { CommonSecurityLogPresetOptions } from './presets/common-security-log.js'
export {
  COMMON_SECURITY_LOG_COLUMNS,
  cefSeverity,
  formatCefExtensions,
  toCommonSecurityLogColumns,
} from './presets/common-security-log.js'
export type { PresetName, TablePreset } from './presets/index.js'
export { COMMON_SECURITY_LOG_PRESET, SYSLOG_PRESET, TABLE_PRESETS } from './presets/index.js'
export type { SyslogPresetOptions } from './presets/syslog.js'
export {
  SYSLOG_COLUMNS,
  SYSLOG_FACILITIES,
  SYSLOG_SEVERITY_NAMES,
  syslogSeverity,
  toSyslogColumns,
} from './presets/syslog.js'
export { resolveOptions } from './resolve-options.js'
export type { FieldMatch, FieldValue, RouteMatch, RouteOptions } from './routing/route-options.js'
export { DEFAULT_ROUTE } from './routing/route-options.js'
export type { ColumnDefinition, StreamColumnType, TableColumnType } from './schema.js'
export {
  DEFAULT_COLUMN_DESCRIPTIONS,
  DEFAULT_COLUMNS,
  DEFAULT_STREAM_DECLARATION,
  DEFAULT_STREAM_NAME,
  DEFAULT_TABLE_NAME,
  tableColumnType,
  tableCreateRequest,
} from './schema.js'
export type { SerializeOptions, SerializeResult } from './serialize.js'
export { serializeRecord } from './serialize.js'
export { severityNumberFor } from './severity.js'
export { UNCONVERTIBLE_VALUE_WARNING, UNDECLARED_FIELD_WARNING } from './shaping/conform-notices.js'
export type { FetchedStreamDeclaration, FetchStreamDeclarationOptions } from './shaping/fetch-declaration.js'
export { fetchStreamDeclaration, RESOURCE_MANAGER_ENDPOINTS } from './shaping/fetch-declaration.js'
export type { ConformStats } from './shaping/record-shaper.js'
export type { ConformMode, PresetOptions, StreamDeclarationOption } from './shaping/shaping-options.js'
export type {
  AccessToken,
  AzureCloud,
  CloseOptions,
  CredentialConfig,
  DropEvent,
  DropReason,
  FlushOptions,
  FlushResult,
  LogColumns,
  LogsIngestionClient,
  LogsIngestionStats,
  OverflowPolicy,
  ReportDropOptions,
  TokenCredential,
  WaitForSpaceOptions,
} from './types.js'
