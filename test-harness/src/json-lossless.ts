/**
 * JSON without losing large integers: Kusto's `long` is 64-bit, JavaScript numbers keep 53 bits, so
 * `9007199254740993` would arrive as `…992`. Integers beyond ±(2^53 − 1) are read as bigint and written back as
 * the same digits. Bodies without a 16-digit run (nearly all) take `JSON.parse`'s native path. Pure.
 */

/** Any run of 16 digits: the only way a JSON text can hold an integer beyond 2^53. */
const LONG_DIGITS = /\d{16}/
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
const WHITESPACE = /[ \t\n\r]*/y

const syntaxError = (text: string, at: number, what: string): SyntaxError =>
  new SyntaxError(
    at >= text.length
      ? `Unexpected end of JSON input (${what})`
      : `Unexpected token '${text[at]}' in JSON at position ${at} (${what})`,
  )

/** A recursive-descent JSON parser that keeps unsafe integers as bigint; strings go through `JSON.parse`. */
class LosslessParser {
  private _at = 0

  constructor(private readonly _text: string) {}

  parse(): unknown {
    const value = this._value()
    this._skip()
    if (this._at !== this._text.length) throw syntaxError(this._text, this._at, 'expected the end of the document')
    return value
  }

  private _skip(): void {
    WHITESPACE.lastIndex = this._at
    WHITESPACE.exec(this._text)
    this._at = WHITESPACE.lastIndex
  }

  private _value(): unknown {
    this._skip()
    const c = this._text[this._at]
    if (c === '{') return this._object()
    if (c === '[') return this._array()
    if (c === '"') return this._string()
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this._number()
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this._text.startsWith(word, this._at)) {
        this._at += word.length
        return value
      }
    }
    throw syntaxError(this._text, this._at, 'expected a value')
  }

  private _number(): number | bigint {
    NUMBER.lastIndex = this._at
    const m = NUMBER.exec(this._text)
    if (m === null) throw syntaxError(this._text, this._at, 'expected a number')
    this._at = NUMBER.lastIndex
    const n = Number(m[0])
    return m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(n) ? BigInt(m[0]) : n
  }

  private _string(): string {
    const start = this._at
    let i = start + 1
    for (;;) {
      const c = this._text.charCodeAt(i)
      if (Number.isNaN(c)) throw syntaxError(this._text, i, 'unterminated string')
      if (c === 0x5c) i += 2
      else if (c === 0x22) break
      else i++
    }
    this._at = i + 1
    return JSON.parse(this._text.slice(start, this._at)) as string
  }

  private _array(): unknown[] {
    this._at++
    const out: unknown[] = []
    this._skip()
    if (this._text[this._at] === ']') {
      this._at++
      return out
    }
    for (;;) {
      out.push(this._value())
      this._skip()
      const c = this._text[this._at++]
      if (c === ']') return out
      if (c !== ',') throw syntaxError(this._text, this._at - 1, "expected ',' or ']'")
    }
  }

  private _object(): Record<string, unknown> {
    this._at++
    const out: Record<string, unknown> = {}
    this._skip()
    if (this._text[this._at] === '}') {
      this._at++
      return out
    }
    for (;;) {
      this._skip()
      if (this._text[this._at] !== '"') throw syntaxError(this._text, this._at, 'expected a property name')
      const key = this._string()
      this._skip()
      if (this._text[this._at++] !== ':') throw syntaxError(this._text, this._at - 1, "expected ':'")
      // defineProperty: an own "__proto__" key, as JSON.parse makes it, never the prototype.
      Object.defineProperty(out, key, { value: this._value(), enumerable: true, writable: true, configurable: true })
      this._skip()
      const c = this._text[this._at++]
      if (c === '}') return out
      if (c !== ',') throw syntaxError(this._text, this._at - 1, "expected ',' or '}'")
    }
  }
}

/** Parses JSON like `JSON.parse`, except that integers beyond ±(2^53 − 1) become bigint. */
export const parseJsonLossless = (text: string): unknown =>
  LONG_DIGITS.test(text) ? new LosslessParser(text).parse() : JSON.parse(text)

/** The slow path alone (for tests). */
export const parseJsonSlow = (text: string): unknown => new LosslessParser(text).parse()

/** `JSON.stringify` that writes bigint as its digits (a JSON number), for rows holding longs past 2^53. */
export const stringifyJson = (value: unknown): string => {
  let marker: string | undefined
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'bigint') return v
    marker ??= `\u0000bigint${Math.random().toString(36).slice(2)}:`
    return `${marker}${v.toString()}`
  })
  if (marker === undefined) return text
  const escaped = JSON.stringify(marker)
    .slice(1, -1)
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return text.replace(new RegExp(`"${escaped}(-?\\d+)"`, 'g'), '$1')
}
