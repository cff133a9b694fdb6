/**
 * Fault plans: which ingestion requests fail, and how. Pure: the random source is seeded, so a plan with
 * `probability` replays the same way for the same seed.
 */
import { EmulatorError } from './errors.ts'

/** What happens to a request a rule selects. */
export type Fault =
  /** Answer with this status and an Azure-shaped error body. 429/503 may carry `Retry-After` (seconds). */
  | { type: 'status'; status: number; retryAfterSeconds?: number; code?: string; message?: string }
  /** Drop the connection: before reading the body, or after reading it (optionally ingesting it first). */
  | { type: 'reset'; when: 'before-body' | 'after-body'; ingest?: boolean }
  /** Wait, then process the request normally. */
  | { type: 'latency'; ms: number }
  /** Read the request and never answer (until the client gives up or the emulator closes). */
  | { type: 'hang' }
  /** Answer 401 as for a revoked token; with `revoke`, that token stays refused until it expires. */
  | { type: 'unauthorized'; revoke?: boolean }

/** Which requests get a fault. Exactly one of `fault` and `sequence`. */
export interface FaultRule {
  /** The fault to inject in each selected request. */
  fault?: Fault
  /** A script: the k-th matching request gets `sequence[k]` (`null`: no fault); after the script, no faults. */
  sequence?: (Fault | null)[]
  /** Only requests to this DCR immutable id. */
  ruleId?: string
  /** Only requests to this stream. */
  stream?: string
  /** Let the first N matching requests through untouched. */
  after?: number
  /** Inject at most N times. */
  times?: number
  /** Inject into every Nth matching request (N, 2N, …). */
  everyNth?: number
  /** Inject with this probability (0–1), drawn from the plan's seeded random source. */
  probability?: number
}

/** A fault plan: rules in priority order (the first that fires wins). */
export interface FaultPlan {
  rules: FaultRule[]
  /** Seed of the random source used by `probability`. @defaultValue 1 */
  seed?: number
}

/** The fault chosen for one request, with a short label for the request log. */
export interface FaultDecision {
  fault: Fault
  label: string
}

/** mulberry32: a tiny, good-enough seeded PRNG. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export const faultLabel = (f: Fault): string => {
  switch (f.type) {
    case 'status':
      return `status:${f.status}${f.retryAfterSeconds === undefined ? '' : ` retry-after:${f.retryAfterSeconds}`}`
    case 'reset':
      // `+stored`: the rows were kept before the reset, so the client's retry duplicates them
      return `reset:${f.when}${f.ingest === true ? '+stored' : ''}`
    case 'latency':
      return `latency:${f.ms}`
    case 'hang':
      return 'hang'
    case 'unauthorized':
      return 'unauthorized'
  }
}

const isInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min

const validateFault = (f: unknown, where: string): Fault => {
  const bad = (why: string): never => {
    throw new EmulatorError('INVALID_OPTIONS', `Fault plan: ${where}: ${why}`)
  }
  if (typeof f !== 'object' || f === null) return bad('a fault must be an object with a type')
  const x = f as Record<string, unknown>
  switch (x['type']) {
    case 'status':
      if (!isInt(x['status'], 400) || (x['status'] as number) > 599)
        bad(`status must be an integer 400–599 (got ${String(x['status'])})`)
      if (x['retryAfterSeconds'] !== undefined && !isInt(x['retryAfterSeconds'], 0))
        bad('retryAfterSeconds must be an integer ≥ 0')
      break
    case 'reset':
      if (x['when'] !== 'before-body' && x['when'] !== 'after-body')
        bad(`reset needs when: 'before-body' or 'after-body'`)
      break
    case 'latency':
      if (!isInt(x['ms'], 0)) bad('latency needs ms: an integer ≥ 0')
      break
    case 'hang':
    case 'unauthorized':
      break
    default:
      bad(`unknown fault type '${String(x['type'])}' (status, reset, latency, hang, unauthorized)`)
  }
  return x as unknown as Fault
}

/** Checks a plan (it may come from JSON over the control endpoint) and throws a clear `INVALID_OPTIONS` error. */
export const validateFaultPlan = (plan: unknown): FaultPlan => {
  const raw = Array.isArray(plan) ? { rules: plan } : plan
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as FaultPlan).rules)) {
    throw new EmulatorError('INVALID_OPTIONS', 'Fault plan: expected { rules: [...], seed? } or an array of rules.')
  }
  const p = raw as FaultPlan
  if (p.seed !== undefined && !Number.isInteger(p.seed))
    throw new EmulatorError('INVALID_OPTIONS', 'Fault plan: seed must be an integer.')
  p.rules.forEach((r, i) => {
    const where = `rules[${i}]`
    if ((r.fault === undefined) === (r.sequence === undefined)) {
      throw new EmulatorError('INVALID_OPTIONS', `Fault plan: ${where}: give exactly one of fault and sequence.`)
    }
    if (r.fault !== undefined) validateFault(r.fault, `${where}.fault`)
    r.sequence?.forEach((f, k) => {
      if (f !== null) validateFault(f, `${where}.sequence[${k}]`)
    })
    for (const key of ['after', 'times', 'everyNth'] as const) {
      if (r[key] !== undefined && !isInt(r[key], key === 'after' ? 0 : 1)) {
        throw new EmulatorError(
          'INVALID_OPTIONS',
          `Fault plan: ${where}.${key} must be an integer ≥ ${key === 'after' ? 0 : 1}.`,
        )
      }
    }
    if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1)) {
      throw new EmulatorError('INVALID_OPTIONS', `Fault plan: ${where}.probability must be between 0 and 1.`)
    }
  })
  return p
}

interface RuleState {
  rule: FaultRule
  seen: number
  applied: number
}

/** Applies a plan to a stream of requests. */
export class FaultInjector {
  private readonly _rules: RuleState[]
  private readonly _random: () => number

  constructor(plan: FaultPlan) {
    this._rules = plan.rules.map((rule) => ({ rule, seen: 0, applied: 0 }))
    this._random = seededRandom(plan.seed ?? 1)
  }

  /** Decides the fault for one request (every matching rule counts it; the first that fires wins). */
  decide(ruleId: string, stream: string): FaultDecision | undefined {
    let chosen: Fault | undefined
    for (const s of this._rules) {
      const r = s.rule
      if ((r.ruleId !== undefined && r.ruleId !== ruleId) || (r.stream !== undefined && r.stream !== stream)) continue
      s.seen++
      const n = s.seen - (r.after ?? 0)
      if (n <= 0 || chosen !== undefined) continue
      if (r.times !== undefined && s.applied >= r.times) continue
      let fault: Fault | undefined
      if (r.sequence !== undefined) fault = r.sequence[n - 1] ?? undefined
      else if (r.everyNth !== undefined) fault = n % r.everyNth === 0 ? r.fault : undefined
      else fault = r.fault
      if (fault !== undefined && r.probability !== undefined && this._random() >= r.probability) fault = undefined
      if (fault !== undefined) {
        s.applied++
        chosen = fault
      }
    }
    return chosen === undefined ? undefined : { fault: chosen, label: faultLabel(chosen) }
  }
}
