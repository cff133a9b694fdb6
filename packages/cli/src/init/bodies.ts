/**
 * The request bodies `az rest` sends: the table (Log Analytics Tables API) and the DCR (ARM, kind Direct), with
 * `<placeholders>` for what only the user's workspace knows. Pure.
 */
import type { ColumnDefinition } from '@dcr-logs/core'
import { DESTINATION } from './parameters.ts'
import type { InitPlan, TableColumn } from './plan.ts'

/** The `properties` of the custom table: shared by the table body, the ARM template and the Bicep file. */
export const tableProperties = (plan: InitPlan) => ({
  schema: { name: plan.table, columns: plan.tableColumns.map((c: TableColumn) => ({ ...c })) },
  retentionInDays: 30,
  plan: 'Analytics',
})

/** Body of `PUT …/workspaces/<ws>/tables/<table>?api-version=2022-10-01`. */
export const tableBody = (plan: InitPlan) => ({ properties: tableProperties(plan) })

/** The `properties` of the DCR, given how the template refers to the workspace. */
export const dcrProperties = (plan: InitPlan, workspaceResourceId: string) => ({
  description: plan.description,
  streamDeclarations: {
    [plan.streamName]: { columns: plan.streamColumns.map((c: ColumnDefinition) => ({ name: c.name, type: c.type })) },
  },
  destinations: { logAnalytics: [{ workspaceResourceId, name: DESTINATION }] },
  dataFlows: [
    {
      streams: [plan.streamName],
      destinations: [DESTINATION],
      transformKql: plan.transformKql,
      outputStream: plan.outputStream,
    },
  ],
})

/** Body of `PUT …/dataCollectionRules/<name>?api-version=2023-03-11`: kind Direct, so it gets its own endpoint. */
export const dcrBody = (plan: InitPlan) => ({
  location: '<workspace-region>',
  kind: 'Direct',
  properties: dcrProperties(plan, '<workspace-resource-id>'),
})
