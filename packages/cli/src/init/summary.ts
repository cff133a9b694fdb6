/** What `dcr-logs init` prints after writing its files: what was made, and the commands that create it. Pure. */
import type { InitFile } from './files.ts'
import type { InitPlan } from './plan.ts'

const LOCATION = '$(az monitor log-analytics workspace show -g "$RG" -n "$WS" --query location -o tsv)'

export const initSummary = (plan: InitPlan, files: readonly InitFile[], outDir: string): string => {
  const byRole = Object.fromEntries(files.map((f) => [f.role, f.name]))
  const dir = outDir === '.' ? '' : `${outDir.replace(/\/+$/, '')}/`
  const width = Math.max(...files.map((f) => f.name.length))
  const columnWidth = Math.max(...plan.streamColumns.map((c) => c.name.length))
  const lines = [
    `${plan.table} (${plan.customTable ? 'custom table' : 'built-in table'}) ← stream ${plan.streamName}, ${plan.streamColumns.length} column${plan.streamColumns.length === 1 ? '' : 's'}, DCR ${plan.dcrName}`,
    '',
    `Wrote ${dir === '' ? 'to the current directory' : `to ${dir}`}:`,
    ...files.map((f) => `  ${f.name.padEnd(width)}  ${f.what}`),
    '',
    `Stream ${plan.streamName}:`,
    ...plan.streamColumns.map((c) => `  ${c.name.padEnd(columnWidth)}  ${c.type}`),
    `Data flow: ${plan.streamName} → ${plan.outputStream}, transformKql: ${plan.transformKql}`,
  ]
  if (plan.notes.length > 0) lines.push('', 'Notes:', ...plan.notes.map((n) => `  - ${n}`))
  lines.push(
    '',
    'Create it in Azure (RG: the resource group of the workspace WS; PRINCIPAL_ID: the object id of the identity',
    'that sends logs, or yours after az login: az ad signed-in-user show --query id -o tsv, with principalType=User):',
    `  az deployment group create -g "$RG" -n ${plan.dcrName} -f ${dir}${byRole['bicep']} \\`,
    `    -p workspaceName="$WS" location="${LOCATION}" principalId="$PRINCIPAL_ID"`,
    `  export DCR_LOGS_ENDPOINT=$(az deployment group show -g "$RG" -n ${plan.dcrName} --query properties.outputs.DCR_LOGS_ENDPOINT.value -o tsv)`,
    `  export DCR_LOGS_RULE_ID=$(az deployment group show -g "$RG" -n ${plan.dcrName} --query properties.outputs.DCR_LOGS_RULE_ID.value -o tsv)`,
    `  export DCR_LOGS_STREAM_NAME=${plan.streamName}`,
    `or with az commands only: eval "$(RG=… WS=… PRINCIPAL_ID=… bash ${dir}${byRole['script']})"`,
    '',
    'A new role assignment takes up to 30 minutes to apply (403 until then). Check records before sending them:',
    `  dcr-logs validate --dcr ${dir}${byRole['arm']} --sample <records>.jsonl`,
    '',
  )
  return lines.join('\n')
}
