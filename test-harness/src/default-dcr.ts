/**
 * The emulator's default DCR: the project's `Custom-AppLogs` → `AppLogs_CL` rule (docs/architecture.md), kept as
 * the ARM creation body in `dcr/app-logs.dcr.json` so the same file can be deployed to Azure.
 */
import defaultDcr from '../dcr/app-logs.dcr.json' with { type: 'json' }
import type { Column } from './schema/types.ts'

/** Immutable id of the default DCR in the emulator (Azure assigns its own when you deploy the file). */
export const DEFAULT_RULE_ID = 'dcr-00112233445566778899aabbccddeeff'
/** Name of the default DCR in the emulator. */
export const DEFAULT_RULE_NAME = 'dcr-logs-app-logs'
/** Input stream of the default DCR. */
export const DEFAULT_STREAM_NAME = 'Custom-AppLogs'
/** Table the default DCR writes to. */
export const DEFAULT_TABLE = 'AppLogs_CL'
/** Id (a GUID) of the workspace the default DCR writes to: `queryWorkspace(DEFAULT_WORKSPACE_ID, …)`. */
export const DEFAULT_WORKSPACE_ID = '00112233-4455-4677-8899-aabbccddeeff'
/** Resource id of the default workspace in the emulator. */
export const DEFAULT_WORKSPACE_RESOURCE_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.OperationalInsights/workspaces/default'
/** The `workspaceResourceId` of `dcr/app-logs.dcr.json`, filled in when deploying: the emulator reads it as the default workspace. */
export const WORKSPACE_PLACEHOLDER = '<workspace-resource-id>'

/** The default DCR as an ARM creation body (`{location, kind: 'Direct', properties}`). */
export const DEFAULT_DCR: typeof defaultDcr = defaultDcr

/** The default stream's columns, in declaration order (the project's default schema). */
export const DEFAULT_DCR_COLUMNS: readonly Column[] = defaultDcr.properties.streamDeclarations['Custom-AppLogs']
  .columns as Column[]

/** A row of `AppLogs_CL` as `emulator.rows('AppLogs_CL')` returns it: strings are '' when absent, others null. */
export interface AppLogsRow {
  TimeGenerated: Date
  ObservedTimestamp: Date | null
  SeverityText: string
  SeverityNumber: number | null
  Body: string
  Attributes: unknown
  Resource: unknown
  ServiceName: string
  HostName: string
  TraceId: string
  SpanId: string
  TraceFlags: number | null
  ScopeName: string
  ScopeVersion: string
  EventName: string
  ExceptionType: string
  ExceptionMessage: string
  ExceptionStacktrace: string
  [column: string]: unknown
}
