/** Dispatches `dcr-logs <command>`: the commands, help, version, and how errors end. */
import { readFileSync } from 'node:fs'
import { CliError, EXIT } from './errors.ts'
import { runInit } from './init/command.ts'
import type { Io } from './io.ts'
import { runSend } from './send/command.ts'
import { runValidate } from './validate/command.ts'

export const USAGE = `Usage: dcr-logs <command> [options]

Commands
  init       write the table, DCR (kind Direct) and role assignment as ARM JSON, Bicep and az commands
  validate   check a DCR, and sample records against it, for what Azure would refuse or drop silently
  send       send JSON lines from a file or stdin through @dcr-logs/core

Run "dcr-logs <command> --help" for a command's options. -v, --version prints the version.`

const COMMANDS: Record<string, (args: readonly string[], io: Io) => Promise<number>> = {
  init: runInit,
  validate: runValidate,
  send: runSend,
}

const version = (): string => {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
      .version
  } catch {
    return 'unknown'
  }
}

/** Runs one invocation and returns its exit code; never throws. */
export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.stdout.write(`${USAGE}\n`)
    return command === undefined ? EXIT.usage : EXIT.ok
  }
  if (command === '-v' || command === '--version') {
    io.stdout.write(`${version()}\n`)
    return EXIT.ok
  }
  const run = COMMANDS[command]
  if (run === undefined) {
    io.stderr.write(
      `dcr-logs: unknown command "${command}"; the commands are ${Object.keys(COMMANDS).join(', ')}. Run "dcr-logs --help".\n`,
    )
    return EXIT.usage
  }
  try {
    return await run(rest, io)
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`dcr-logs ${command}: ${error.message}\n`)
      return EXIT.usage
    }
    io.stderr.write(`dcr-logs ${command}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`)
    return EXIT.problems
  }
}
