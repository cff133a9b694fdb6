/**
 * ARM template expressions (`"[parameters('x')]"`), enough to load a DCR resource copied from a template: parameters,
 * variables, string functions, resourceGroup()/subscription()/resourceId(). Unknown functions and missing parameters
 * are reported with the JSON path of the value, never guessed. Pure.
 */
import { createHash } from 'node:crypto'
import { EmulatorError } from './errors.ts'

export interface ArmContext {
  parameters: Readonly<Record<string, unknown>>
  variables: Readonly<Record<string, unknown>>
  subscriptionId: string
  resourceGroup: string
  location: string
}

/** Thrown for one expression; the loader collects them into one `EmulatorError`. */
export class ArmExpressionError extends Error {
  override readonly name = 'ArmExpressionError'
  constructor(
    message: string,
    readonly missingParameter?: string,
    readonly missingVariable?: string,
  ) {
    super(message)
  }
}

type Tok = { k: 'str' | 'num' | 'id' | 'p'; v: string }

const lex = (text: string): Tok[] => {
  const out: Tok[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
    } else if (c === "'") {
      let v = ''
      i++
      for (;;) {
        if (i >= text.length) throw new ArmExpressionError('unterminated string')
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'"
            i += 2
            continue
          }
          i++
          break
        }
        v += text[i]
        i++
      }
      out.push({ k: 'str', v })
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+/.exec(text.slice(i))
      if (m === null) throw new ArmExpressionError(`unexpected '${c}'`)
      out.push({ k: 'num', v: m[0] })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!
      out.push({ k: 'id', v: m[0] })
      i += m[0].length
    } else if ('(),.[]'.includes(c)) {
      out.push({ k: 'p', v: c })
      i++
    } else throw new ArmExpressionError(`unexpected '${c}'`)
  }
  return out
}

const uniqueString = (...parts: string[]): string => {
  // Same length and alphabet as ARM's (13 base-32 characters); the value differs, which no emulator user relies on.
  const h = createHash('sha256').update(parts.join('-')).digest()
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567'
  let s = ''
  for (let i = 0; i < 13; i++) s += alphabet[h[i]! % 32]
  return s
}

const str = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v))

const call = (name: string, args: unknown[], ctx: ArmContext): unknown => {
  const subscriptionId = ctx.subscriptionId
  const rgId = `/subscriptions/${subscriptionId}/resourceGroups/${ctx.resourceGroup}`
  switch (name.toLowerCase()) {
    case 'parameters': {
      const key = str(args[0])
      if (!(key in ctx.parameters)) {
        throw new ArmExpressionError(`parameter '${key}' has no value`, key)
      }
      return ctx.parameters[key]
    }
    case 'variables': {
      const key = str(args[0])
      if (!(key in ctx.variables)) {
        throw new ArmExpressionError(`variable '${key}' is not defined in the template`, undefined, key)
      }
      return ctx.variables[key]
    }
    case 'concat':
      return args.every(Array.isArray) ? (args as unknown[][]).flat() : args.map(str).join('')
    case 'format':
      return str(args[0]).replace(/\{(\d+)\}/g, (_, i: string) => str(args[Number(i) + 1]))
    case 'tolower':
      return str(args[0]).toLowerCase()
    case 'toupper':
      return str(args[0]).toUpperCase()
    case 'string':
      return str(args[0])
    case 'int':
      return Number.parseInt(str(args[0]), 10)
    case 'bool':
      return args[0] === true || str(args[0]).toLowerCase() === 'true'
    case 'replace':
      return str(args[0]).split(str(args[1])).join(str(args[2]))
    case 'substring':
      return str(args[0]).substr(Number(args[1] ?? 0), args[2] === undefined ? undefined : Number(args[2]))
    case 'trim':
      return str(args[0]).trim()
    case 'equals':
      return JSON.stringify(args[0]) === JSON.stringify(args[1])
    case 'empty':
      return (
        args[0] === '' ||
        args[0] === null ||
        (typeof args[0] === 'object' && Object.keys(args[0] as object).length === 0)
      )
    case 'not':
      return args[0] !== true
    case 'and':
      return args.every((a) => a === true)
    case 'or':
      return args.some((a) => a === true)
    case 'if':
      return args[0] === true ? args[1] : args[2]
    case 'coalesce':
      return args.find((a) => a !== null && a !== undefined) ?? null
    case 'uniquestring':
      return uniqueString(...args.map(str))
    case 'guid': {
      const h = createHash('sha256').update(args.map(str).join('-')).digest('hex')
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
    }
    case 'resourcegroup':
      return { id: rgId, name: ctx.resourceGroup, location: ctx.location, type: 'Microsoft.Resources/resourceGroups' }
    case 'subscription':
      return { id: `/subscriptions/${subscriptionId}`, subscriptionId, tenantId: '', displayName: 'emulator' }
    case 'resourceid': {
      const parts = args.map(str)
      const typeIndex = parts.findIndex((p) => p.includes('/'))
      if (typeIndex < 0) throw new ArmExpressionError('resourceId() needs a resource type such as Microsoft.X/y')
      const [provider, ...types] = parts[typeIndex]!.split('/')
      const names = parts.slice(typeIndex + 1)
      const prefix = typeIndex === 0 ? rgId : `/subscriptions/${parts[0]}/resourceGroups/${parts[typeIndex - 1]}`
      return `${prefix}/providers/${provider}${types.map((t, i) => `/${t}/${names[i] ?? ''}`).join('')}`
    }
    default:
      throw new ArmExpressionError(
        `the template function '${name}' is not supported by the emulator: pass the value directly`,
      )
  }
}

/** Evaluates the inside of one `[…]` expression. */
export const evaluateArmExpression = (text: string, ctx: ArmContext): unknown => {
  const toks = lex(text)
  let i = 0
  const expect = (v: string): void => {
    const t = toks[i++]
    if (t?.k !== 'p' || t.v !== v) throw new ArmExpressionError(`expected '${v}' in [${text}]`)
  }
  const parse = (): unknown => {
    const t = toks[i++]
    if (t === undefined) throw new ArmExpressionError(`unexpected end of [${text}]`)
    let value: unknown
    if (t.k === 'str') value = t.v
    else if (t.k === 'num') value = Number(t.v)
    else if (t.k === 'id') {
      if (t.v === 'true' || t.v === 'false') value = t.v === 'true'
      else if (t.v === 'null') value = null
      else {
        expect('(')
        const args: unknown[] = []
        while (!(toks[i]?.k === 'p' && toks[i]?.v === ')')) {
          args.push(parse())
          if (toks[i]?.v === ',') i++
          else if (!(toks[i]?.k === 'p' && toks[i]?.v === ')'))
            throw new ArmExpressionError(`expected ',' or ')' in [${text}]`)
        }
        i++
        value = call(t.v, args, ctx)
      }
    } else throw new ArmExpressionError(`unexpected '${t.v}' in [${text}]`)
    // property access and indexing: .location, ['x'], [0]
    for (;;) {
      const n = toks[i]
      if (n?.k === 'p' && n.v === '.') {
        const prop = toks[i + 1]
        if (prop?.k !== 'id') throw new ArmExpressionError(`expected a property name in [${text}]`)
        i += 2
        value = (value as Record<string, unknown> | null)?.[prop.v]
      } else if (n?.k === 'p' && n.v === '[') {
        i++
        const key = parse()
        expect(']')
        value = (value as Record<string, unknown> | null)?.[String(key)]
      } else return value
    }
  }
  const result = parse()
  if (i !== toks.length) throw new ArmExpressionError(`unexpected '${toks[i]!.v}' in [${text}]`)
  return result
}

const isExpression = (s: string): boolean => s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[')

/**
 * Resolves every expression string inside `value` (deeply). Collects all failures and throws one
 * `EmulatorError('UNRESOLVED_EXPRESSION')` naming each path, and the parameters to pass.
 */
export const resolveArmExpressions = <T>(value: T, ctx: ArmContext, where: string): T => {
  const problems: string[] = []
  const missing = new Set<string>()
  const missingVariables = new Set<string>()
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') {
      if (v.startsWith('[[')) return v.slice(1) // escaped literal bracket
      if (!isExpression(v)) return v
      try {
        return evaluateArmExpression(v.slice(1, -1), ctx)
      } catch (e) {
        if (e instanceof ArmExpressionError && e.missingParameter !== undefined) missing.add(e.missingParameter)
        if (e instanceof ArmExpressionError && e.missingVariable !== undefined) missingVariables.add(e.missingVariable)
        problems.push(`${path}: ${(e as Error).message}`)
        return v
      }
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`))
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {}
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, `${path}.${k}`)
      return out
    }
    return v
  }
  const resolved = walk(value, '$') as T
  if (problems.length > 0) {
    const hint = (set: Set<string>, option: string, flag: string): string =>
      set.size === 0
        ? ''
        : ` Pass ${[...set].map((m) => `'${m}'`).join(', ')} in the ${option} option (CLI: ${[...set].map((m) => `${flag} ${m}=…`).join(' ')}).`
    throw new EmulatorError(
      'UNRESOLVED_EXPRESSION',
      `Cannot resolve the template expressions of ${where}: ${problems.join('; ')}.${hint(missing, 'parameters', '--param')}${hint(missingVariables, 'variables', '--var')}`,
    )
  }
  return resolved
}
