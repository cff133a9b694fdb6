/** `node:util` parseArgs with the CLI's error messages: what was wrong and where to read more. */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliError } from './errors.ts'

type Options = NonNullable<ParseArgsConfig['options']>

export interface Parsed {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>
  positionals: string[]
}

/** Parses one command's arguments strictly; unknown flags and missing values become a `CliError`. */
export const parse = (command: string, args: readonly string[], options: Options, positionals = false): Parsed => {
  try {
    const { values, positionals: rest } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: positionals,
    })
    return { values, positionals: rest }
  } catch (error) {
    const message = (error as Error).message
      .replace(/^Unknown option '([^']+)'.*$/s, "unknown option '$1'")
      .replace(/^Unexpected argument '([^']+)'.*$/s, "unexpected argument '$1'")
    throw new CliError(`${message}. Run "dcr-logs ${command} --help" for usage.`)
  }
}

/** A string flag's value, or undefined. */
export const text = (parsed: Parsed, name: string): string | undefined => {
  const v = parsed.values[name]
  return typeof v === 'string' ? v : undefined
}

/** A flag that must be one of `choices` (case-insensitive); returns the choice as spelled in `choices`. */
export const choice = <T extends string>(
  command: string,
  parsed: Parsed,
  name: string,
  choices: readonly T[],
  fallback: T,
): T => {
  const v = text(parsed, name)
  if (v === undefined) return fallback
  const found = choices.find((c) => c.toLowerCase() === v.toLowerCase())
  if (found === undefined)
    throw new CliError(
      `--${name} must be one of ${choices.join(', ')} (got "${v}"). Run "dcr-logs ${command} --help" for usage.`,
    )
  return found
}

/** A non-negative integer flag. */
export const integer = (command: string, parsed: Parsed, name: string): number | undefined => {
  const v = text(parsed, name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v))
    throw new CliError(`--${name} must be a whole number (got "${v}"). Run "dcr-logs ${command} --help" for usage.`)
  return Number(v)
}
