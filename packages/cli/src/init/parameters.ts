/**
 * The parameters of the generated ARM template and Bicep file, in one place so both take the same ones, and the
 * resource API versions they use.
 */
import type { InitPlan } from './plan.ts'

export interface TemplateParameter {
  readonly name: string
  readonly description: string
  /** Absent: the parameter is required. */
  readonly defaultValue?: string
  readonly allowed?: readonly string[]
}

export const API_VERSIONS = Object.freeze({
  workspace: '2022-10-01',
  table: '2022-10-01',
  /** 2023-03-11 is the first that returns `endpoints.logsIngestion` of a Direct DCR. */
  dcr: '2023-03-11',
  roleAssignment: '2022-04-01',
})

/** Monitoring Metrics Publisher, the role the Logs Ingestion API requires on the DCR. */
export const MONITORING_METRICS_PUBLISHER = '3913510d-42f4-4e42-8a64-420c390055eb'

/** The destination name the DCR's data flow refers to. */
export const DESTINATION = 'workspace'

export const templateParameters = (plan: InitPlan): readonly TemplateParameter[] => [
  { name: 'workspaceName', description: 'Name of an existing Log Analytics workspace in this resource group.' },
  {
    name: 'location',
    description:
      "The workspace's region: a DCR must be in the region of its workspace (az monitor log-analytics workspace show -g <rg> -n <workspace> --query location -o tsv).",
  },
  { name: 'dataCollectionRuleName', description: 'Name of the data collection rule.', defaultValue: plan.dcrName },
  {
    name: 'principalId',
    description:
      'Object id of the identity that sends logs: a service principal, a managed identity, or yourself (az ad signed-in-user show --query id -o tsv). Empty: no role assignment.',
    defaultValue: '',
  },
  {
    name: 'principalType',
    description: 'ServicePrincipal for an app registration or a managed identity, User for your own az login.',
    defaultValue: 'ServicePrincipal',
    allowed: ['ServicePrincipal', 'User', 'Group'],
  },
]
