/** Every file `dcr-logs init` writes, rendered from a plan. Pure. */
import { armTemplate } from './arm-template.ts'
import { bicepFile } from './bicep.ts'
import { dcrBody, tableBody } from './bodies.ts'
import type { InitPlan } from './plan.ts'
import { setupScript } from './setup-script.ts'

export type FileRole = 'table' | 'dcr' | 'arm' | 'bicep' | 'script'

export interface InitFile {
  readonly role: FileRole
  readonly name: string
  readonly content: string
  /** What it is, for the list the command prints. */
  readonly what: string
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`

export const fileNames = (plan: InitPlan): Record<FileRole, string> => ({
  table: `${plan.baseName}.table.json`,
  dcr: `${plan.baseName}.dcr.json`,
  arm: `${plan.baseName}.azuredeploy.json`,
  bicep: `${plan.baseName}.bicep`,
  script: `${plan.baseName}.setup.sh`,
})

export const renderFiles = (plan: InitPlan): InitFile[] => {
  const names = fileNames(plan)
  const files: InitFile[] = []
  if (plan.customTable) {
    files.push({
      role: 'table',
      name: names.table,
      content: json(tableBody(plan)),
      what: `table schema (az rest PUT body)`,
    })
  }
  files.push(
    { role: 'dcr', name: names.dcr, content: json(dcrBody(plan)), what: 'DCR, kind Direct (az rest PUT body)' },
    {
      role: 'arm',
      name: names.arm,
      content: json(armTemplate(plan)),
      what: `ARM template: ${plan.customTable ? 'table, ' : ''}DCR, role`,
    },
    { role: 'bicep', name: names.bicep, content: bicepFile(plan, names.bicep), what: 'Bicep: the same resources' },
    {
      role: 'script',
      name: names.script,
      content: setupScript(plan, names),
      what: 'the same with az commands',
    },
  )
  return files
}
