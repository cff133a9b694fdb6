/** What went wrong when configuring or using the emulator (not what it answers over HTTP: those are Azure-shaped bodies). */
export type EmulatorErrorCode =
  /** An option passed to `startEmulator()` or the CLI is invalid. */
  | 'INVALID_OPTIONS'
  /** A DCR could not be loaded: bad shape, reserved column, unknown stream, invalid transformKql. */
  | 'INVALID_DCR'
  /** An ARM template expression could not be resolved (missing parameter, unsupported function). */
  | 'UNRESOLVED_EXPRESSION'
  /** The CA directory holds unusable files. */
  | 'INVALID_CA'
  /** `waitForRows()` timed out. */
  | 'TIMEOUT'
  /** The emulator was closed. */
  | 'CLOSED'
  /** Work the emulator does on its own failed (saving the data dir, renewing its certificate); reported by close(). */
  | 'BACKGROUND_FAILURE'

/** The one error class the emulator throws. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError'
  readonly code: EmulatorErrorCode

  constructor(code: EmulatorErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
  }
}

/** True for an `EmulatorError`, also across two loaded copies of this package. */
export const isEmulatorError = (e: unknown): e is EmulatorError =>
  e instanceof EmulatorError || (e instanceof Error && e.name === 'EmulatorError' && 'code' in e)
