/** Splits a KQL text into tokens. Pure. */
import { KqlSyntaxError } from './errors.ts'

export type TokenKind = 'ident' | 'string' | 'number' | 'timespan' | 'literal' | 'op' | 'eof'

export interface Token {
  kind: TokenKind
  /** Identifier name, operator text, decoded string, number text, or raw literal content. */
  value: string
  /** For `literal` tokens: the literal's type (`datetime`, `timespan`, `dynamic`, `guid`). */
  literalType?: string
  /** For `timespan` tokens: the duration in milliseconds. */
  ms?: number
  pos: number
}

export { KqlSyntaxError }

// Longest first, so `!contains_cs` wins over `!contains` and `==` over `=`.
const WORD_NEGATIONS = [
  '!contains_cs',
  '!startswith_cs',
  '!endswith_cs',
  '!has_cs',
  '!contains',
  '!startswith',
  '!endswith',
  '!has',
  '!in~',
  '!in',
  '!between',
]
const SYMBOLS = [
  '==',
  '!=',
  '<>',
  '<=',
  '>=',
  '=~',
  '!~',
  '=>',
  '<',
  '>',
  '=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  '|',
  ';',
  ':',
  '~',
]
const DASHED = ['project-away', 'project-rename', 'project-keep', 'project-reorder', 'mv-expand', 'mv-apply']
const RAW_LITERALS = new Set(['datetime', 'timespan', 'dynamic', 'guid', 'time'])

const TIMESPAN_UNITS: Record<string, number> = {
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
}

const isIdentStart = (c: string): boolean => /[A-Za-z_$]/.test(c)
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_$]/.test(c)

export const timespanUnitMs = (unit: string): number | undefined => TIMESPAN_UNITS[unit]

export const tokenize = (text: string): Token[] => {
  const tokens: Token[] = []
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    const start = i
    // Strings: '…', "…", verbatim @'…', obfuscated h'…', multi-line ```…```.
    if (text.startsWith('```', i)) {
      const end = text.indexOf('```', i + 3)
      if (end < 0) throw new KqlSyntaxError('Unterminated ``` string', start)
      tokens.push({ kind: 'string', value: text.slice(i + 3, end), pos: start })
      i = end + 3
      continue
    }
    const verbatim = (c === '@' || c === 'h' || c === 'H') && (text[i + 1] === "'" || text[i + 1] === '"')
    if (c === "'" || c === '"' || verbatim || ((c === 'h' || c === 'H') && text[i + 1] === '@')) {
      let raw = c === '@'
      if (c === 'h' || c === 'H') {
        i++
        if (text[i] === '@') {
          raw = true
          i++
        }
      } else if (c === '@') i++
      const quote = text[i]!
      i++
      let value = ''
      for (;;) {
        if (i >= n) throw new KqlSyntaxError('Unterminated string literal', start)
        const ch = text[i]!
        if (ch === quote) {
          if (raw && text[i + 1] === quote) {
            value += quote
            i += 2
            continue
          }
          i++
          break
        }
        if (ch === '\\' && !raw) {
          const next = text[i + 1]
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' }
          if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16))
            i += 6
            continue
          }
          if (next !== undefined && map[next] !== undefined) {
            value += map[next]
            i += 2
            continue
          }
          throw new KqlSyntaxError(`Invalid escape sequence \\${next ?? ''}`, i)
        }
        value += ch
        i++
      }
      tokens.push({ kind: 'string', value, pos: start })
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-fA-F]+|\d*\.?\d+(?:[eE][+-]?\d+)?)/.exec(text.slice(i))!
      i += m[0].length
      const unit = /^[A-Za-z]+/.exec(text.slice(i))?.[0]
      if (unit !== undefined && TIMESPAN_UNITS[unit] !== undefined) {
        tokens.push({ kind: 'timespan', value: m[0] + unit, ms: Number(m[0]) * TIMESPAN_UNITS[unit], pos: start })
        i += unit.length
        continue
      }
      if (unit === 'L' || unit === 'l')
        i++ // long suffix
      else if (unit !== undefined) throw new KqlSyntaxError(`Unexpected '${unit}' after number ${m[0]}`, i)
      tokens.push({ kind: 'number', value: m[0], pos: start })
      continue
    }
    if (c === '[' && (text[i + 1] === "'" || text[i + 1] === '"')) {
      // Bracket-quoted identifier: ['My Column']
      const quote = text[i + 1]!
      const end = text.indexOf(`${quote}]`, i + 2)
      if (end < 0) throw new KqlSyntaxError('Unterminated bracket-quoted name', start)
      // Only an identifier if it is not an index after an expression; the parser decides, we emit both shapes.
      const prev = tokens[tokens.length - 1]
      const isIndex =
        prev !== undefined &&
        (prev.kind === 'ident' ||
          prev.kind === 'string' ||
          (prev.kind === 'op' && (prev.value === ')' || prev.value === ']')))
      if (!isIndex) {
        tokens.push({ kind: 'ident', value: text.slice(i + 2, end), pos: start })
        i = end + 2
        continue
      }
    }
    if (isIdentStart(c)) {
      let j = i + 1
      while (j < n && isIdentPart(text[j]!)) j++
      let word = text.slice(i, j)
      const dashed = DASHED.find((d) => text.startsWith(d, i) && !isIdentPart(text[i + d.length] ?? ''))
      if (dashed !== undefined) {
        word = dashed
        j = i + dashed.length
      }
      i = j
      if (RAW_LITERALS.has(word)) {
        let k = i
        while (k < n && /\s/.test(text[k]!)) k++
        if (text[k] === '(') {
          const end = matchParen(text, k)
          tokens.push({
            kind: 'literal',
            literalType: word === 'time' ? 'timespan' : word,
            value: text.slice(k + 1, end).trim(),
            pos: start,
          })
          i = end + 1
          continue
        }
      }
      tokens.push({ kind: 'ident', value: word, pos: start })
      continue
    }
    if (c === '!') {
      const word = WORD_NEGATIONS.find(
        (w) => text.startsWith(w, i) && (w.endsWith('~') || !isIdentPart(text[i + w.length] ?? '')),
      )
      if (word !== undefined) {
        tokens.push({ kind: 'op', value: word, pos: start })
        i += word.length
        continue
      }
    }
    const sym = SYMBOLS.find((s) => text.startsWith(s, i))
    if (sym === undefined) throw new KqlSyntaxError(`Unexpected character '${c}'`, i)
    tokens.push({ kind: 'op', value: sym, pos: start })
    i += sym.length
  }
  tokens.push({ kind: 'eof', value: '', pos: n })
  return tokens
}

/** Index of the `)` matching the `(` at `open`, skipping quoted strings. */
const matchParen = (text: string, open: number): number => {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    const c = text[i]!
    if (c === '"' || c === "'") {
      i++
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++
        i++
      }
      continue
    }
    if (c === '(') depth++
    else if (c === ')') {
      depth--
      if (depth === 0) return i
    }
  }
  throw new KqlSyntaxError('Unbalanced parenthesis', open)
}
