/** String functions and string operators of the KQL subset; regular expressions are RE2 (`regex.ts`). */
import { createHash } from 'node:crypto'
import type { FunctionTable } from './function-types.ts'
import { kqlRegex } from './regex.ts'
import { isNullish, toKqlNumber, toKqlString } from './values.ts'

const str = toKqlString
const num = toKqlNumber

const has = (haystack: string, term: string): boolean => {
  if (term === '') return true
  let from = 0
  for (;;) {
    const i = haystack.indexOf(term, from)
    if (i < 0) return false
    const before = i === 0 ? '' : haystack[i - 1]!
    const after = haystack[i + term.length] ?? ''
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true
    from = i + 1
  }
}

/** String operators shared by the evaluator (`contains`, `has`, `startswith`…, with `_cs` and `!` variants). */
export const stringOperator = (op: string, left: unknown, right: unknown): boolean => {
  const negate = op.startsWith('!')
  const base = negate ? op.slice(1) : op
  const cs = base.endsWith('_cs')
  const kind = cs ? base.slice(0, -3) : base
  let a = str(left)
  let b = str(right)
  if (!cs) {
    a = a.toLowerCase()
    b = b.toLowerCase()
  }
  let result: boolean
  switch (kind) {
    case 'contains':
      result = a.includes(b)
      break
    case 'has':
      result = has(a, b)
      break
    case 'startswith':
      result = a.startsWith(b)
      break
    case 'endswith':
      result = a.endsWith(b)
      break
    default:
      throw new Error(`unknown string operator ${op}`)
  }
  return negate ? !result : result
}

const parseCef = (text: string): Record<string, string> => {
  // CEF extension: key=value pairs where values may contain spaces; a key is the last word before '='.
  const out: Record<string, string> = {}
  const re = /(?:^|\s)([A-Za-z0-9_.]+)=((?:\\=|[^=])*?)(?=\s+[A-Za-z0-9_.]+=|$)/g
  for (const m of text.matchAll(re)) out[m[1]!] = m[2]!.replace(/\\=/g, '=').trim()
  return out
}

const base64Encode = ([v]: unknown[]): string => Buffer.from(str(v), 'utf8').toString('base64')
const base64Decode = ([v]: unknown[]): string => Buffer.from(str(v), 'base64').toString('utf8')

export const STRING_FUNCTIONS: FunctionTable = {
  base64_encodestring: { min: 1, max: 1, type: 'string', fn: base64Encode },
  base64_encode_tostring: { min: 1, max: 1, type: 'string', fn: base64Encode },
  base64_decodestring: { min: 1, max: 1, type: 'string', fn: base64Decode },
  base64_decode_tostring: { min: 1, max: 1, type: 'string', fn: base64Decode },
  countof: {
    min: 2,
    max: 3,
    type: 'long',
    fn: ([text, search, kind]) => {
      const t = str(text)
      const s = str(search)
      if (s === '') return 0
      if (str(kind) === 'regex') return kqlRegex(s).all(t).length
      let count = 0
      for (let i = t.indexOf(s); i >= 0; i = t.indexOf(s, i + 1)) count++
      return count
    },
  },
  extract: {
    min: 3,
    max: 4,
    type: 'string',
    regexArg: 0,
    fn: ([re, group, text]) => {
      const m = kqlRegex(str(re)).exec(str(text))
      const g = num(group) ?? 0
      return m === null ? '' : (m[g] ?? '')
    },
  },
  extract_all: {
    min: 2,
    max: 3,
    type: 'dynamic',
    regexArg: 0,
    fn: (args) => {
      const [re, text] = args.length === 2 ? args : [args[0], args[2]]
      const matches = kqlRegex(str(re)).all(str(text))
      if (matches.length === 0) return null
      return matches.map((m) => (m.length > 2 ? m.slice(1) : (m[1] ?? m[0])))
    },
  },
  indexof: {
    min: 2,
    max: 5,
    type: 'long',
    fn: ([text, lookup, start, length, occurrence]) => {
      if (isNullish(text)) return null
      const t = str(text)
      const l = str(lookup)
      let from = num(start) ?? 0
      if (from < 0) from = Math.max(0, t.length + from)
      const end = isNullish(length) || num(length) === -1 ? t.length : from + (num(length) ?? 0)
      let n = num(occurrence) ?? 1
      let i = t.indexOf(l, from)
      while (i >= 0 && --n > 0) i = t.indexOf(l, i + 1)
      return i < 0 || i + l.length > end ? -1 : i
    },
  },
  isempty: { min: 1, max: 1, type: 'bool', fn: ([v]) => isNullish(v) || v === '' },
  isnotempty: { min: 1, max: 1, type: 'bool', fn: ([v]) => !(isNullish(v) || v === '') },
  split: {
    min: 2,
    max: 3,
    type: 'dynamic',
    fn: ([text, delim, index]) => {
      const parts = str(text).split(str(delim))
      if (isNullish(index)) return parts
      const i = num(index)
      return i === null ? null : [parts[i] ?? null].filter((p) => p !== null)
    },
  },
  strcat: { min: 1, max: 64, type: 'string', fn: (args) => args.map(str).join('') },
  strcat_delim: { min: 2, max: 65, type: 'string', fn: ([d, ...args]) => args.map(str).join(str(d)) },
  strlen: { min: 1, max: 1, type: 'long', fn: ([v]) => [...str(v)].length },
  substring: {
    min: 2,
    max: 3,
    type: 'string',
    fn: ([v, start, length]) => {
      const s = str(v)
      const from = Math.max(0, num(start) ?? 0)
      return isNullish(length) ? s.slice(from) : s.slice(from, from + Math.max(0, num(length) ?? 0))
    },
  },
  tolower: { min: 1, max: 1, type: 'string', fn: ([v]) => str(v).toLowerCase() },
  toupper: { min: 1, max: 1, type: 'string', fn: ([v]) => str(v).toUpperCase() },
  hash_sha256: {
    min: 1,
    max: 1,
    type: 'string',
    fn: ([v]) => createHash('sha256').update(str(v), 'utf8').digest('hex'),
  },
  // Transformation-only
  parse_cef_dictionary: { min: 1, max: 1, type: 'dynamic', fn: ([v]) => parseCef(str(v)) },
}
