/**
 * `@dcr-logs/test-harness`: a local HTTPS emulator of the Azure Monitor Logs Ingestion API and the Entra token
 * service, for tests, demos and CI.
 */
export { ARM_AUDIENCE, ARM_DCR_API_VERSIONS } from './arm.ts'
export { COMMON_SECURITY_LOG_DCR, SYSLOG_DCR } from './builtin-table-dcrs.ts'
export { type CertificateAuthority, createCertificateAuthority, loadOrCreateCertificateAuthority } from './certs.ts'
export { type DcrDefinition, deriveImmutableId, type LoadedDcr, loadDcrs } from './dcr-loader.ts'
export {
  type AppLogsRow,
  DEFAULT_DCR,
  DEFAULT_DCR_COLUMNS,
  DEFAULT_RULE_ID,
  DEFAULT_RULE_NAME,
  DEFAULT_STREAM_NAME,
  DEFAULT_TABLE,
} from './default-dcr.ts'
export {
  type Emulator,
  type EmulatorCredentialConfig,
  type EmulatorInfo,
  type EmulatorRule,
  startEmulator,
  type WaitForRowsOptions,
} from './emulator.ts'
export { EmulatorError, type EmulatorErrorCode, isEmulatorError } from './errors.ts'
export { type Fault, type FaultPlan, type FaultRule, validateFaultPlan } from './faults.ts'
export { SUPPORTED_API_VERSIONS } from './ingestion.ts'
export { type CompiledTransform, compileTransform, TransformError } from './kql/compile.ts'
export { CA_DIR_ENV, type DcrInput, DEFAULTS, type EmulatorOptions, type TableSchemaInput } from './options.ts'
export type { Row } from './schema/convert.ts'
export { type Column, type ColumnType, RESERVED_COLUMN_NAMES, type TableSchema } from './schema/types.ts'
export type { DcrLogError, RequestRecord } from './store.ts'
export { BUILT_IN_TABLES, normaliseTableSchema } from './tables.ts'
export { THROTTLE_DEFAULTS, type ThrottleOptions } from './throttle.ts'
export type { ClientRegistration } from './token-service.ts'
