/**
 * A client with `routes`: one inner client per route (the top-level options are the `'default'` route), sharing
 * one credential, each with its own stream, buffer share and statistics. `push()` hands each record to the first
 * route whose `match` takes it, else to the default route. It is a `LogsIngestionClient` like any other, so
 * adapters need nothing but to pass the options through.
 */
import { join } from 'node:path'
import { credentialFromConfig } from '../auth/credential-config.js'
import { isLogsIngestionError, LogsIngestionError } from '../errors.js'
import { checkOptionNames } from '../option-names.js'
import {
  CORE_OPTION_NAMES,
  DEFAULTS,
  type Env,
  type LogsIngestionClientOptions,
  type ResolvedOptions,
} from '../options.js'
import { TABLE_PRESETS } from '../presets/index.js'
import { resolveOptions } from '../resolve-options.js'
import { SPOOL_DEFAULTS } from '../spool/spool-options.js'
import type {
  CloseOptions,
  CredentialConfig,
  DropEvent,
  FlushOptions,
  FlushResult,
  LogColumns,
  LogsIngestionClient,
  LogsIngestionStats,
  ReportDropOptions,
  TokenCredential,
  WaitForSpaceOptions,
} from '../types.js'
import { splitBuffer } from './buffer-shares.js'
import { compileMatch, type RecordPredicate } from './match.js'
import { mergeStats } from './merge-stats.js'
import { DEFAULT_ROUTE, type RouteOptions } from './route-options.js'

/** What the routing client needs of the environment and of the single-stream client. */
export interface RoutingDeps {
  env?: Env
  emitWarning?: (message: string, options: { code: string; type: string }) => void
  /** Creates the client of one route; `route` names it in messages. */
  create: (options: LogsIngestionClientOptions, env: Env, route: string) => LogsIngestionClient
}

const KNOWN: ReadonlySet<string> = new Set(CORE_OPTION_NAMES)

/** Options a route does not inherit from the top level: they describe the default route's stream. */
const STREAM_OPTIONS = ['streamName', 'streamDeclaration', 'preset', 'presetOptions', 'routes'] as const
/** Their environment variables, which likewise describe the default route's stream only. */
const STREAM_ENV = ['DCR_LOGS_STREAM_NAME', 'DCR_LOGS_STREAM_DECLARATION', 'DCR_LOGS_PRESET'] as const

const isCredential = (c: TokenCredential | CredentialConfig): c is TokenCredential =>
  typeof (c as TokenCredential).getToken === 'function'

/** Names the route in an options error thrown while its client is created. */
const inRoute = <T>(index: number, name: string, create: () => T): T => {
  try {
    return create()
  } catch (error) {
    if (!isLogsIngestionError(error) || error.code !== 'INVALID_OPTIONS') throw error
    throw new LogsIngestionError('INVALID_OPTIONS', `routes[${index}] ("${name}"): ${error.message}`, { cause: error })
  }
}

export class RoutingClient implements LogsIngestionClient {
  readonly options: Readonly<ResolvedOptions>
  /** The default route first, then the routes in order. */
  private readonly _clients: readonly LogsIngestionClient[]
  private readonly _names: readonly string[]
  private readonly _matchers: readonly RecordPredicate[]
  private _closing: Promise<FlushResult> | undefined

  constructor(options: LogsIngestionClientOptions, deps: RoutingDeps) {
    const env = deps.env ?? process.env
    const base = resolveOptions(options, env)
    checkOptionNames(options, KNOWN, {
      component: 'createLogsIngestionClient()',
      strict: base.strictOptions,
      ...(deps.emitWarning ? { emitWarning: deps.emitWarning } : {}),
    })
    this.options = Object.freeze(base)
    // one credential (and one @azure/identity instance with its token cache) for every route
    const credential = isCredential(base.credential)
      ? base.credential
      : credentialFromConfig(base.credential, { disableInstanceDiscovery: base.disableInstanceDiscovery })
    const limits = splitBuffer(base, base.routes)
    // a spool has one owner: the default route keeps `spool.dir` (its leftovers from before routes were added stay
    // its own), each route gets a subdirectory, and the cap is split like the buffer
    const spool = (i: number, name: string) =>
      base.spool === undefined
        ? {}
        : {
            spool: {
              dir: i === 0 ? base.spool.dir : join(base.spool.dir, `route-${name}`),
              maxBytes: Math.max(
                SPOOL_DEFAULTS.minBytes,
                Math.floor((base.spool.maxBytes * limits[i]!.maxBufferBytes) / base.maxBufferBytes),
              ),
            },
          }
    const shared: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(options)) if (KNOWN.has(key) && key !== 'routes') shared[key] = value
    const onDrop = (route: string) => {
      const user = base.onDrop
      return user === undefined ? undefined : (event: DropEvent) => user({ ...event, route })
    }

    const defaultClient = deps.create(
      {
        ...shared,
        credential,
        ...limits[0],
        ...spool(0, DEFAULT_ROUTE),
        onDrop: onDrop(DEFAULT_ROUTE),
      } as LogsIngestionClientOptions,
      env,
      DEFAULT_ROUTE,
    )
    const routeEnv: Record<string, string | undefined> = { ...env }
    for (const key of STREAM_ENV) delete routeEnv[key]
    const inherited: Record<string, unknown> = { ...shared }
    for (const key of STREAM_OPTIONS) delete inherited[key]
    const routeClients = base.routes.map((route: RouteOptions, i) => {
      const { name, match: _match, bufferShare: _share, ...own } = route
      const streamName =
        route.streamName ?? (route.preset === undefined ? DEFAULTS.streamName : TABLE_PRESETS[route.preset].streamName)
      return inRoute(i, name, () =>
        deps.create(
          {
            ...inherited,
            ...own,
            streamName,
            credential,
            ...limits[i + 1],
            ...spool(i + 1, name),
            onDrop: onDrop(name),
          } as LogsIngestionClientOptions,
          routeEnv,
          name,
        ),
      )
    })
    this._clients = [defaultClient, ...routeClients]
    this._names = [DEFAULT_ROUTE, ...base.routes.map((r) => r.name)]
    this._matchers = base.routes.map((r) => compileMatch(r.match))
  }

  get closed(): boolean {
    return this._closing !== undefined
  }

  push(record: LogColumns): boolean {
    const matchers = this._matchers
    for (let i = 0; i < matchers.length; i++) {
      if (matchers[i]!(record)) return this._clients[i + 1]!.push(record)
    }
    return this._clients[0]!.push(record)
  }

  /** Records that never reached `push()` belong to no route: the default route counts them. */
  reportDrop(drop: ReportDropOptions): void {
    this._clients[0]!.reportDrop(drop)
  }

  /** Resolves `true` when every route has room (the next record may take any of them). */
  async waitForSpace(options?: WaitForSpaceOptions): Promise<boolean> {
    if (this._closing !== undefined) return false
    const answers = await Promise.all(this._clients.map((c) => c.waitForSpace(options)))
    return answers.every(Boolean)
  }

  async flush(options?: FlushOptions): Promise<FlushResult> {
    return this._together(await Promise.all(this._clients.map((c) => c.flush(options))))
  }

  close(options?: CloseOptions): Promise<FlushResult> {
    this._closing ??= Promise.all(this._clients.map((c) => c.close(options))).then((r) => this._together(r))
    return this._closing
  }

  abandon(detail: string): number {
    this._closing ??= Promise.resolve({ settled: false, pending: 0 })
    let pending = 0
    for (const c of this._clients) pending += c.abandon(detail)
    return pending
  }

  stats(): LogsIngestionStats {
    return mergeStats(new Map(this._clients.map((c, i) => [this._names[i]!, c.stats()])))
  }

  private _together(results: readonly FlushResult[]): FlushResult {
    return { settled: results.every((r) => r.settled), pending: results.reduce((n, r) => n + r.pending, 0) }
  }
}
