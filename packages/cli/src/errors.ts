/** Exit codes of every command, and the one error class commands throw for a bad invocation or unreadable input. */

export const EXIT = Object.freeze({
  /** Everything went through, or nothing was found. */
  ok: 0,
  /** The command ran and found problems: records not delivered, a DCR that loses data. */
  problems: 1,
  /** Bad arguments or unreadable input: nothing was done. */
  usage: 2,
})

/** A usage or input error: printed as `dcr-logs <command>: <message>` with a pointer to `--help`, exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError'
}
