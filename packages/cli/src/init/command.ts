/** `dcr-logs init`: reads the samples, plans, refuses to overwrite, writes the files and prints what to run next. */
import { access, chmod, mkdir, writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { inferColumns } from '@dcr-logs/core'
import { choice, parse, text } from '../args.ts'
import { CliError, EXIT } from '../errors.ts'
import { firstOf } from '../format.ts'
import type { Io } from '../io.ts'
import { openFile, parseLine, readLines } from '../jsonl.ts'
import { renderFiles } from './files.ts'
import { PRESETS, planInit } from './plan.ts'
import { initSummary } from './summary.ts'

export const INIT_USAGE = `Usage: dcr-logs init [--table AppLogs_CL] [--preset default|syslog|commonsecuritylog] [--from sample.jsonl]

Writes what Azure needs before logs can land: the table schema, a data collection rule of kind Direct (stream
declaration, data flow, transformKql) as a request body, an ARM template and a Bicep file, and a script with the
az commands that create the table, the DCR and the role assignment.

Options
  --table <Name_CL>     the custom table (default AppLogs_CL, with the columns every dcr-logs adapter sends)
  --preset <name>       default | syslog | commonsecuritylog: the built-in Syslog or CommonSecurityLog table
  --from <file.jsonl>   infer the columns from sample records, one JSON object per line
  --dcr-name <name>     name of the data collection rule (default dcr-<table>)
  --out <dir>           where to write the files (default: the current directory)
  --force               overwrite files that exist
  -h, --help

Exit codes: 0 files written, 2 usage error (nothing written).`

const OPTIONS = {
  table: { type: 'string' },
  preset: { type: 'string' },
  from: { type: 'string' },
  'dcr-name': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const readSamples = async (path: string, io: Io) => {
  const records: Record<string, unknown>[] = []
  const bad: number[] = []
  for await (const line of readLines(await openFile(io.cwd, path, '--from'))) {
    const parsed = parseLine(line)
    if (parsed === undefined) continue
    if (parsed.ok) records.push(parsed.record)
    else bad.push(parsed.number)
  }
  return { records, bad }
}

export const runInit = async (args: readonly string[], io: Io): Promise<number> => {
  const parsed = parse('init', args, OPTIONS)
  if (parsed.values['help'] === true) {
    io.stdout.write(`${INIT_USAGE}\n`)
    return EXIT.ok
  }
  const from = text(parsed, 'from')
  let inferred: Parameters<typeof planInit>[0]['inferred']
  const sampleNotes: string[] = []
  if (from !== undefined) {
    const { records, bad } = await readSamples(from, io)
    if (bad.length > 0)
      sampleNotes.push(`${from}: skipped ${bad.length} line(s) that are not JSON objects: line ${firstOf(bad)}`)
    inferred = { file: from, result: inferColumns(records) }
  }
  const plan = planInit({
    preset: choice('init', parsed, 'preset', PRESETS, 'default'),
    table: text(parsed, 'table'),
    dcrName: text(parsed, 'dcr-name'),
    inferred,
  })
  const withNotes = { ...plan, notes: [...sampleNotes, ...plan.notes] }
  const files = renderFiles(withNotes)
  const outDir = text(parsed, 'out') ?? '.'
  const dir = resolve(io.cwd, outDir)
  if (parsed.values['force'] !== true) {
    const existing: string[] = []
    for (const f of files) {
      if (
        await access(resolve(dir, f.name)).then(
          () => true,
          () => false,
        )
      )
        existing.push(f.name)
    }
    if (existing.length > 0)
      throw new CliError(
        `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${outDir}; add --force to overwrite, or choose another --out`,
      )
  }
  await mkdir(dir, { recursive: true })
  for (const f of files) {
    const path = resolve(dir, f.name)
    await writeFile(path, f.content)
    if (f.role === 'script') await chmod(path, 0o755)
  }
  io.stdout.write(initSummary(withNotes, files, outDir))
  return EXIT.ok
}
