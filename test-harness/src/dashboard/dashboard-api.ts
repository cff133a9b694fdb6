/**
 * The dashboard: a page at `/_emulator/dashboard/` showing tables and rows as they arrive, the request log, DCR
 * errors, throttling and the fault plan (with controls, through the control endpoint), fed by a server-sent event
 * stream. It listens to the store only while a page is open.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FaultPlan } from '../faults.ts'
import { sendJson } from '../http.ts'
import { type DashboardEvent, type DashboardSources, dashboardEvent, dashboardState, toJson } from './snapshot.ts'
import { loadStaticFiles } from './static-files.ts'

/** Where the dashboard lives (inside the control endpoint, so the same access rules apply). */
export const DASHBOARD_PATH = '/_emulator/dashboard'
/** A comment line keeps idle event streams open through proxies. */
const KEEP_ALIVE_MS = 15_000

export class Dashboard {
  private readonly _clients = new Set<ServerResponse>()
  private readonly _files = loadStaticFiles()
  private _unsubscribe: (() => void) | undefined
  private _keepAlive: NodeJS.Timeout | undefined

  constructor(private readonly _sources: DashboardSources) {}

  /** Tells open pages that the fault plan changed. */
  faultsChanged(plan: FaultPlan | undefined): void {
    this._broadcast({ type: 'faults', plan: plan ?? null })
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    req.resume()
    const rest = url.pathname.slice(DASHBOARD_PATH.length)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: { code: 'MethodNotAllowed', message: 'The dashboard is read with GET.' } })
    }
    if (rest === '') {
      res.writeHead(301, { location: `${DASHBOARD_PATH}/` }).end()
      return
    }
    if (rest === '/state') {
      const body = toJson(dashboardState(this._sources))
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
      res.end(body)
      return
    }
    if (rest === '/events') return this._openStream(res)
    const file = (await this._files()).get(rest.slice(1))
    if (file === undefined) {
      return sendJson(res, 404, {
        error: { code: 'NotFound', message: `No dashboard resource ${url.pathname}; open ${DASHBOARD_PATH}/.` },
      })
    }
    res.writeHead(200, {
      'content-type': file.contentType,
      'content-length': file.body.length,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
    })
    res.end(req.method === 'HEAD' ? undefined : file.body)
  }

  private _openStream(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    res.write(': connected\n\n')
    this._clients.add(res)
    res.once('close', () => {
      this._clients.delete(res)
      if (this._clients.size === 0) this._stopListening()
    })
    if (this._unsubscribe === undefined) {
      this._unsubscribe = this._sources.store.subscribe((e) => this._broadcast(dashboardEvent(e, this._sources)))
      this._keepAlive = setInterval(() => {
        for (const c of this._clients) c.write(': keep-alive\n\n')
      }, KEEP_ALIVE_MS)
      this._keepAlive.unref()
    }
  }

  private _broadcast(event: DashboardEvent): void {
    if (this._clients.size === 0) return
    const frame = `event: ${event.type}\ndata: ${toJson(event)}\n\n`
    for (const c of this._clients) c.write(frame)
  }

  private _stopListening(): void {
    this._unsubscribe?.()
    this._unsubscribe = undefined
    clearInterval(this._keepAlive)
    this._keepAlive = undefined
  }

  /** Ends every open event stream (on close). */
  close(): void {
    for (const c of this._clients) c.end()
    this._clients.clear()
    this._stopListening()
  }
}
