/** From the `dcrs` option (paths, parsed JSON, definitions) to loaded DCRs keyed by immutable id. */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { type DcrDefinition, type LoadDcrOptions, type LoadedDcr, loadDcrs } from './dcr-loader.ts'
import { DEFAULT_DCR, DEFAULT_RULE_ID, DEFAULT_RULE_NAME } from './default-dcr.ts'
import { EmulatorError } from './errors.ts'
import type { DcrInput } from './options.ts'

const toDefinition = async (input: DcrInput, index: number): Promise<DcrDefinition> => {
  if (typeof input === 'string') {
    let text: string
    try {
      text = await readFile(input, 'utf8')
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `dcrs[${index}]: cannot read ${input} (${(cause as Error).message}).`,
        { cause },
      )
    }
    try {
      return { dcr: JSON.parse(text), source: input, name: basename(input).replace(/\.json$/i, '') }
    } catch (cause) {
      throw new EmulatorError(
        'INVALID_DCR',
        `dcrs[${index}]: ${input} is not valid JSON (${(cause as Error).message}).`,
        { cause },
      )
    }
  }
  if ('dcr' in input) {
    const def = input as DcrDefinition
    if (typeof def.dcr === 'string') {
      const loaded = await toDefinition(def.dcr, index)
      return { name: loaded.name!, ...def, dcr: loaded.dcr, source: def.source ?? loaded.source ?? `dcrs[${index}]` }
    }
    return { ...def, source: def.source ?? `dcrs[${index}]` }
  }
  return { dcr: input, source: `dcrs[${index}]` }
}

/** Loads the DCRs (the default one when `dcrs` is undefined); refuses two with the same immutable id. */
export const loadRules = async (
  dcrs: DcrInput[] | undefined,
  options: LoadDcrOptions,
): Promise<{ loaded: LoadedDcr[]; byId: Map<string, LoadedDcr> }> => {
  const definitions: DcrDefinition[] =
    dcrs === undefined
      ? [{ dcr: DEFAULT_DCR, immutableId: DEFAULT_RULE_ID, name: DEFAULT_RULE_NAME, source: 'default DCR' }]
      : await Promise.all(dcrs.map(toDefinition))
  const loaded = definitions.flatMap((d) => loadDcrs(d, options))
  const byId = new Map<string, LoadedDcr>()
  for (const dcr of loaded) {
    if (byId.has(dcr.ruleId)) {
      throw new EmulatorError(
        'INVALID_OPTIONS',
        `Two DCRs have the immutable id ${dcr.ruleId} (${byId.get(dcr.ruleId)!.source} and ${dcr.source}).`,
      )
    }
    byId.set(dcr.ruleId, dcr)
  }
  return { loaded, byId }
}
