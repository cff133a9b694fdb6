/**
 * Regular expressions with RE2 semantics, as Kusto has them (no lookaround, no backreferences, linear time), through
 * re2js, a pure-JavaScript port of RE2. JavaScript's RegExp would accept patterns the service refuses and read some
 * differently.
 */
import { RE2JS } from 're2js'

/** A compiled RE2 pattern with the three operations KQL functions need. */
export interface KqlRegex {
  readonly pattern: string
  /** Whether the pattern matches anywhere in the text (`matches regex`). */
  test(text: string): boolean
  /** The first match: `[whole, group1, …]` (a group that did not take part is `undefined`), or null. */
  exec(text: string): (string | undefined)[] | null
  /** Every non-overlapping match, each as `exec` returns it. */
  all(text: string): (string | undefined)[][]
}

/** An RE2-invalid pattern; `message` is RE2's reason. */
export class KqlRegexError extends Error {
  override readonly name = 'KqlRegexError'
}

const groups = (m: ReturnType<ReturnType<typeof RE2JS.compile>['matcher']>): (string | undefined)[] => {
  const out: (string | undefined)[] = []
  for (let g = 0; g <= m.groupCount(); g++) out.push(m.group(g) ?? undefined)
  return out
}

const compile = (pattern: string): KqlRegex => {
  let re: RE2JS
  try {
    re = RE2JS.compile(pattern)
  } catch (e) {
    throw new KqlRegexError(
      `Invalid regular expression '${pattern}': ${(e as Error).message.replace(/^error parsing regexp: /, '')} (KQL uses RE2 syntax: no lookaround or backreferences)`,
    )
  }
  return {
    pattern,
    test: (text) => re.matcher(text).find(),
    exec(text) {
      const m = re.matcher(text)
      return m.find() ? groups(m) : null
    },
    all(text) {
      const m = re.matcher(text)
      const out: (string | undefined)[][] = []
      while (m.find()) out.push(groups(m))
      return out
    },
  }
}

const cache = new Map<string, KqlRegex>()
const CACHE_LIMIT = 1000

/** Compiles (and caches) an RE2 pattern. Throws `KqlRegexError` naming the pattern and RE2's reason. */
export const kqlRegex = (pattern: string): KqlRegex => {
  let re = cache.get(pattern)
  if (re === undefined) {
    re = compile(pattern)
    if (cache.size >= CACHE_LIMIT) cache.clear()
    cache.set(pattern, re)
  }
  return re
}
