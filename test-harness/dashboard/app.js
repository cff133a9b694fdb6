// The emulator's dashboard: renders the state once, then applies server-sent events. No framework, no build step.
// Values from logs are only ever set as text (never as HTML).

const base = location.pathname.replace(/\/$/, '') // …/_emulator/dashboard
const control = base.replace(/\/dashboard$/, '') // …/_emulator
const ROWS_PER_TABLE = 50
const LOG_ENTRIES = 200

const PRESETS = {
  'status-503': [{ fault: { type: 'status', status: 503, retryAfterSeconds: 1 } }],
  'status-429': [{ fault: { type: 'status', status: 429, retryAfterSeconds: 2 } }],
  'status-500-once': [{ fault: { type: 'status', status: 500 }, times: 1 }],
  reset: [{ fault: { type: 'reset', when: 'before-body' } }],
  latency: [{ fault: { type: 'latency', ms: 2000 } }],
  unauthorized: [{ fault: { type: 'unauthorized' }, times: 1 }],
}

const $ = (selector) => document.querySelector(selector)

/** An element with text content (and optional class and title). */
const el = (tag, text, className) => {
  const node = document.createElement(tag)
  if (text !== undefined && text !== null) node.textContent = String(text)
  if (className) node.className = className
  return node
}

const cellText = (value) => {
  if (value === null || value === undefined) return ''
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

const bytes = (n) => {
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

const clock = (iso) => {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 23)
}

// ---- tables and rows ----------------------------------------------------------------------------------------------

/** workspaceId|table → { total, columns, tbody, counter, head } */
const tables = new Map()

const rowElement = (columns, row, fresh) => {
  const tr = el('tr', undefined, fresh ? 'fresh' : '')
  for (const c of columns) {
    const text = cellText(row[c])
    const td = el('td', text.length > 300 ? `${text.slice(0, 299)}…` : text, row[c] === null ? 'null' : '')
    if (text.length > 40) td.title = text
    tr.append(td)
  }
  return tr
}

const tableBlock = (workspaceId, table, columns) => {
  const key = `${workspaceId}|${table}`
  let t = tables.get(key)
  if (t !== undefined) return t
  const block = el('div', undefined, 'table-block')
  block.dataset.table = table
  block.dataset.workspaceId = workspaceId
  const title = el('h3')
  const counter = el('span', '0')
  counter.className = 'count'
  title.append(el('span', table), ' · ', counter, ' rows · workspace ', el('code', workspaceId))
  const scroll = el('div', undefined, 'scroll')
  const grid = el('table')
  const head = el('thead')
  const tbody = el('tbody')
  grid.append(head, tbody)
  scroll.append(grid)
  block.append(title, scroll)
  $('#tables').append(block)
  $('#no-tables').hidden = true
  t = { total: 0, columns: [], tbody, counter, head }
  tables.set(key, t)
  setColumns(t, columns)
  return t
}

const setColumns = (t, columns) => {
  if (columns.length === t.columns.length && columns.every((c, i) => c === t.columns[i])) return
  t.columns = columns
  const tr = el('tr')
  for (const c of columns) tr.append(el('th', c))
  t.head.replaceChildren(tr)
}

/** Rows arrive newest first; they go on top. */
const addRows = (event, fresh) => {
  const t = tableBlock(event.workspaceId, event.table, event.columns)
  setColumns(t, [...new Set([...t.columns, ...event.columns])])
  const fragment = document.createDocumentFragment()
  for (const row of event.rows) fragment.append(rowElement(t.columns, row, fresh))
  t.tbody.prepend(fragment)
  while (t.tbody.rows.length > ROWS_PER_TABLE) t.tbody.lastElementChild.remove()
  t.total = event.total
  t.counter.textContent = String(event.total)
}

// ---- requests, DCR errors, throttling, faults ----------------------------------------------------------------------

const addRequest = (r, fresh) => {
  const tr = el('tr', undefined, fresh ? 'fresh' : '')
  const cells = [
    clock(r.at),
    r.ruleId,
    r.stream,
    r.status,
    r.errorCode ?? '',
    bytes(r.sentBytes),
    bytes(r.uncompressedBytes),
    r.records,
    r.clientRequestId ?? '',
    Math.round(r.durationMs),
    r.fault ?? '',
  ]
  cells.forEach((value, i) => {
    const td = el('td', value)
    if (i === 3) td.className = `s${String(r.status)[0]}`
    if (i === 1 || i === 8) td.title = String(value)
    tr.append(td)
  })
  const body = $('#requests tbody')
  body.prepend(tr)
  while (body.rows.length > LOG_ENTRIES) body.lastElementChild.remove()
}

const addDcrError = (e, fresh) => {
  const li = el('li', undefined, fresh ? 'fresh' : '')
  li.append(
    el('code', clock(e.at)),
    ` ${e.operationName} · ${e.inputStreamId}${e.clientRequestId ? ` · ${e.clientRequestId}` : ''}: `,
    el('span', e.message),
  )
  const list = $('#dcr-errors')
  list.prepend(li)
  while (list.children.length > LOG_ENTRIES) list.lastElementChild.remove()
}

let throttle = null
const renderThrottle = () => {
  const box = $('#throttle')
  if (throttle === null) {
    box.replaceChildren(el('p', 'Throttling is off.', 'hint'))
    return
  }
  const { settings, windows } = throttle
  const parts = [
    el(
      'p',
      `Budgets per DCR: ${settings.requestsPerWindow} requests and ${bytes(settings.bytesPerWindow)} per ${settings.windowMs / 1000} s.`,
      'hint',
    ),
  ]
  const now = Date.now()
  const active = windows.filter((w) => new Date(w.endsAt).getTime() > now)
  if (active.length === 0) parts.push(el('p', 'No requests in the current window.'))
  for (const w of active) {
    const p = el('p')
    p.dataset.ruleId = w.ruleId
    const used = Math.max(w.requests / settings.requestsPerWindow, w.bytes / settings.bytesPerWindow)
    const meter = el('span', undefined, 'meter')
    const fill = el('span')
    fill.style.width = `${Math.min(100, used * 100).toFixed(1)}%`
    meter.append(fill)
    const left = Math.max(0, Math.ceil((new Date(w.endsAt).getTime() - now) / 1000))
    p.append(
      el('code', w.ruleId),
      ' ',
      meter,
      ` ${w.requests} / ${settings.requestsPerWindow} requests, ${bytes(w.bytes)} · ${used >= 1 ? 'throttled (429)' : 'ok'} · window ends in ${left} s`,
    )
    parts.push(p)
  }
  box.replaceChildren(...parts)
}

const describeFault = (f) => {
  switch (f.type) {
    case 'status':
      return `${f.status}${f.retryAfterSeconds === undefined ? '' : ` (Retry-After ${f.retryAfterSeconds} s)`}`
    case 'reset':
      return `connection reset ${f.when}`
    case 'latency':
      return `latency ${f.ms} ms`
    default:
      return f.type
  }
}

const renderFaults = (plan) => {
  const rules = plan?.rules ?? []
  $('#fault-summary').textContent =
    rules.length === 0
      ? 'none'
      : rules
          .map((r) => (r.fault ? describeFault(r.fault) : 'sequence') + (r.times === undefined ? '' : ` × ${r.times}`))
          .join('; ')
  $('#fault-summary').dataset.active = String(rules.length > 0)
  if (document.activeElement !== $('#fault-editor'))
    $('#fault-editor').value = JSON.stringify(plan ?? { rules: [] }, null, 2)
}

const setFaults = async (plan) => {
  $('#fault-error').textContent = ''
  const response =
    plan === undefined
      ? await fetch(`${control}/faults`, { method: 'DELETE' })
      : await fetch(`${control}/faults`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: typeof plan === 'string' ? plan : JSON.stringify(plan),
        })
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    $('#fault-error').textContent = body.error?.message ?? `HTTP ${response.status}`
  }
}

// ---- state and live events -----------------------------------------------------------------------------------------

const renderState = (state) => {
  const dl = $('#endpoints')
  const entries = [
    ['ingestion', state.endpoint],
    ['query', state.queryEndpoint],
    ...state.workspaces.map((w) => [`workspace ${w.name}`, w.workspaceId]),
  ]
  dl.replaceChildren(...entries.flatMap(([k, v]) => [el('dt', k), el('dd', v)]))
  tables.clear()
  $('#tables').replaceChildren()
  $('#no-tables').hidden = state.tables.length > 0
  for (const t of state.tables) addRows(t, false)
  $('#requests tbody').replaceChildren()
  for (const r of [...state.requests].reverse()) addRequest(r, false)
  $('#dcr-errors').replaceChildren()
  for (const e of [...state.dcrErrors].reverse()) addDcrError(e, false)
  throttle = state.throttle
  renderThrottle()
  renderFaults(state.faults)
}

const load = async () => renderState(await (await fetch(`${base}/state`)).json())

const connect = () => {
  const status = $('#status')
  const events = new EventSource(`${base}/events`)
  let opened = false
  events.onopen = () => {
    status.dataset.state = 'live'
    status.textContent = 'live'
    // After a reconnect, events were missed: start again from the state.
    if (opened) void load()
    opened = true
  }
  events.onerror = () => {
    status.dataset.state = 'down'
    status.textContent = 'disconnected, retrying…'
  }
  const on = (type, handler) => events.addEventListener(type, (m) => handler(JSON.parse(m.data)))
  on('rows', (e) => addRows(e, true))
  on('request', (e) => {
    addRequest(e.request, true)
    throttle = e.throttle
    renderThrottle()
  })
  on('dcrError', (e) => addDcrError(e.error, true))
  on('faults', (e) => renderFaults(e.plan))
  on('reset', () => void load())
}

for (const button of document.querySelectorAll('[data-fault]')) {
  button.addEventListener('click', () => void setFaults(PRESETS[button.dataset.fault]))
}
$('#fault-clear').addEventListener('click', () => void setFaults(undefined))
$('#fault-apply').addEventListener('click', () => void setFaults($('#fault-editor').value))
setInterval(renderThrottle, 1000)
void load().then(connect)
