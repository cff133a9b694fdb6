/**
 * `@dcr-logs/test-harness`: a local HTTPS emulator of the Azure Monitor Logs Ingestion API and the Entra token
 * service, for tests, demos and CI.
 */
export { ARM_AUDIENCE, ARM_DCR_API_VERSIONS } from './arm.ts'
export { COMMON_SECURITY_LOG_DCR, SYSLOG_DCR } from './builtin-table-dcrs.ts'
export { loadOrCreateCertificateAuthority, type StoredCertificateAuthority } from './ca-store.ts'
export {
  type CertificateAuthority,
  type ClientCertificate,
  createCertificateAuthority,
  createClientCertificate,
} from './certs.ts'
export { type DcrDefinition, deriveImmutableId, type LoadedDcr, loadDcrs } from './dcr-loader.ts'
export {
  type AppLogsRow,
  DEFAULT_DCR,
  DEFAULT_DCR_COLUMNS,
  DEFAULT_RULE_ID,
  DEFAULT_RULE_NAME,
  DEFAULT_STREAM_NAME,
  DEFAULT_TABLE,
  DEFAULT_WORKSPACE_ID,
  DEFAULT_WORKSPACE_RESOURCE_ID,
} from './default-dcr.ts'
export {
  DEFAULT_FEDERATED_SUBJECT,
  EMULATOR_FEDERATION_ISSUER,
  startEmulator,
} from './emulator.ts'
export type {
  Emulator,
  EmulatorCredentialConfig,
  EmulatorCredentialConfigs,
  EmulatorCredentialEnv,
  EmulatorInfo,
  EmulatorManagedIdentity,
  EmulatorRule,
  EmulatorWorkloadIdentity,
  QueryOptions,
  WaitForRowsOptions,
  WorkspaceSelector,
} from './emulator-api.ts'
export { EmulatorError, type EmulatorErrorCode, isEmulatorError } from './errors.ts'
export { type Fault, type FaultPlan, type FaultRule, validateFaultPlan } from './faults.ts'
export { SUPPORTED_API_VERSIONS } from './ingestion.ts'
export { type CompiledTransform, compileTransform, TransformError } from './kql/compile.ts'
export { KqlError, type KqlErrorKind } from './kql/errors.ts'
export type { QueryResult, QueryResultColumn } from './kql/query.ts'
export type { KqlType } from './kql/types.ts'
export { Timespan } from './kql/values.ts'
export {
  CA_DIR_ENV,
  type DcrInput,
  DEFAULTS,
  type EmulatorOptions,
  type TableSchemaInput,
  type TablesApiBody,
} from './options.ts'
export {
  type ClientRegistration,
  type FederatedCredential,
  type ManagedIdentityRegistration,
  TOKEN_EXCHANGE_AUDIENCE,
} from './registrations.ts'
export type { Row } from './schema/convert.ts'
export {
  type Column,
  type ColumnType,
  RESERVED_COLUMN_NAMES,
  type TablePlan,
  type TableSchema,
} from './schema/types.ts'
export type { DcrLogError, RequestRecord } from './store.ts'
export { BUILT_IN_TABLES, normaliseTableSchema } from './tables.ts'
export { THROTTLE_DEFAULTS, type ThrottleOptions } from './throttle.ts'
export { deriveWorkspaceId, type EmulatorWorkspace } from './workspaces.ts'
