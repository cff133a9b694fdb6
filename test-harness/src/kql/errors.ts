/** Errors in KQL text, with the position of the problem: what a DCR load or a query answers with. */

/** `syntax`: the text does not parse; `semantic`: it names what does not exist; `unsupported`: valid KQL the emulator does not run. */
export type KqlErrorKind = 'syntax' | 'semantic' | 'unsupported'

export class KqlError extends Error {
  override readonly name: string = 'KqlError'
  /** The problem without the position suffix. */
  readonly detail: string

  constructor(
    readonly kind: KqlErrorKind,
    message: string,
    /** 0-based character offset in the text. */
    readonly pos: number,
  ) {
    super(`${message} (at character ${pos + 1})`)
    this.detail = message
  }
}

export class KqlSyntaxError extends KqlError {
  override readonly name = 'KqlSyntaxError'
  constructor(message: string, pos: number) {
    super('syntax', message, pos)
  }
}

export class KqlSemanticError extends KqlError {
  override readonly name = 'KqlSemanticError'
  constructor(message: string, pos: number) {
    super('semantic', message, pos)
  }
}

export class KqlUnsupportedError extends KqlError {
  override readonly name = 'KqlUnsupportedError'
  constructor(message: string, pos: number) {
    super('unsupported', message, pos)
  }
}
