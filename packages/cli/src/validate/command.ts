/** `dcr-logs validate`: reads the DCR (and table schema, and samples), runs the checks, prints, sets the exit code. */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { StreamDeclaration } from '@dcr-logs/core'
import type { TableSchema } from '@dcr-logs/test-harness'
import { parse, text } from '../args.ts'
import { CliError, EXIT } from '../errors.ts'
import { plural } from '../format.ts'
import type { Io } from '../io.ts'
import { openFile, parseLine, readLines } from '../jsonl.ts'
import { checkDcrDocument } from './dcr-checks.ts'
import type { Finding } from './findings.ts'
import { jsonReport, tally, textReport } from './report.ts'
import { createSampleChecker } from './sample-checks.ts'
import { tableSchemasIn } from './tables.ts'

export const VALIDATE_USAGE = `Usage: dcr-logs validate --dcr <dcr.json> [--sample <records.jsonl>] [options]

Checks a data collection rule for what DCR creation refuses (column names, types, data flows, transformKql
outside the supported KQL subset) and for what Azure drops without an error; with --sample, runs records
through it: undeclared fields, type mismatches, records the transformation filters, columns the table lacks,
TimeGenerated outside the accepted window. Exits 1 when it finds errors, for CI.

Options
  --dcr <file>            the DCR: a creation body, a GET response, or an ARM template (as dcr-logs init writes)
  --sample <file.jsonl>   records to check, one JSON object per line
  --stream <name>         the input stream the records go to (when the DCR declares several)
  --table-schema <file>   the table's schema: a Tables API body, {name, columns}, or a template (default: the
                          tables in the --dcr template, and the built-in Syslog and CommonSecurityLog)
  --strict                exit 1 on warnings too
  --json                  print the findings as JSON
  -h, --help

Exit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 usage error.`

const OPTIONS = {
  dcr: { type: 'string' },
  sample: { type: 'string' },
  stream: { type: 'string' },
  'table-schema': { type: 'string' },
  strict: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const readJson = async (path: string, flag: string, io: Io): Promise<unknown> => {
  let content: string
  try {
    content = await readFile(resolve(io.cwd, path), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(
      `${flag}: cannot read ${path} (${code === 'ENOENT' ? 'no such file' : (error as Error).message})`,
    )
  }
  try {
    return JSON.parse(content)
  } catch (error) {
    throw new CliError(
      `${flag}: ${path} is not JSON (${(error as Error).message}); Bicep files cannot be read: use the ARM template or the .dcr.json`,
    )
  }
}

const pickStream = (
  declarations: readonly StreamDeclaration[],
  wanted: string | undefined,
  dcrFile: string,
): StreamDeclaration => {
  const names = declarations.map((d) => d.streamName)
  if (wanted !== undefined) {
    const found = declarations.find((d) => d.streamName === wanted)
    if (found === undefined)
      throw new CliError(`--stream ${wanted}: ${dcrFile} declares ${names.join(', ') || 'no custom stream'}`)
    return found
  }
  if (declarations.length === 1) return declarations[0]!
  throw new CliError(
    declarations.length === 0
      ? `${dcrFile} declares no custom stream to check the samples against`
      : `${dcrFile} declares several streams (${names.join(', ')}); say which one the samples go to with --stream`,
  )
}

export const runValidate = async (args: readonly string[], io: Io): Promise<number> => {
  const parsed = parse('validate', args, OPTIONS)
  if (parsed.values['help'] === true) {
    io.stdout.write(`${VALIDATE_USAGE}\n`)
    return EXIT.ok
  }
  const dcrFile = text(parsed, 'dcr')
  if (dcrFile === undefined)
    throw new CliError('--dcr <file> is required: the DCR to check. Run "dcr-logs validate --help" for usage.')
  const doc = await readJson(dcrFile, '--dcr', io)
  const tables: TableSchema[] = tableSchemasIn(doc)
  const tableFile = text(parsed, 'table-schema')
  if (tableFile !== undefined) {
    const given = tableSchemasIn(await readJson(tableFile, '--table-schema', io))
    if (given.length === 0)
      throw new CliError(
        `--table-schema: ${tableFile} holds no table schema ({name, columns}, a Tables API body, or a template with a table)`,
      )
    tables.push(...given)
  }
  const check = checkDcrDocument(doc, dcrFile, tables)
  const findings: Finding[] = [...check.findings]
  let records = 0
  let header = `dcr-logs validate: ${dcrFile}`
  const sampleFile = text(parsed, 'sample')
  if (sampleFile !== undefined) {
    const declaration = pickStream(check.declarations, text(parsed, 'stream'), dcrFile)
    const checker = createSampleChecker(
      declaration,
      check.flowsByStream.get(declaration.streamName) ?? [],
      sampleFile,
      io.now(),
    )
    for await (const line of readLines(await openFile(io.cwd, sampleFile, '--sample'))) {
      const p = parseLine(line)
      if (p === undefined) continue
      if (p.ok) {
        records++
        checker.record(p.number, p.record)
      } else checker.badLine(p.number, p.reason)
    }
    findings.push(...checker.findings())
    if (records === 0)
      findings.push({
        severity: 'warning',
        code: 'NoRecords',
        where: sampleFile,
        message: 'no records to check: the file holds no JSON object lines',
      })
    header += `, ${plural(records, 'sample record')} from ${sampleFile} into ${declaration.streamName}`
  }
  io.stdout.write(parsed.values['json'] === true ? jsonReport(findings, records) : textReport(header, findings))
  const { errors, warnings } = tally(findings)
  return errors > 0 || (parsed.values['strict'] === true && warnings > 0) ? EXIT.problems : EXIT.ok
}
