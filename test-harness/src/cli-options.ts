/** Command-line options of `dcr-logs-emulator`, parsed into `EmulatorOptions`. */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { EmulatorOptions } from './options.ts'

export const HELP = `Usage: dcr-logs-emulator [options]

A local HTTPS emulator of the Azure Monitor Logs Ingestion API and the Entra token service.

Options:
  --port <n>                 TCP port (default: any free port)
  --host <address>           address to bind (default: 127.0.0.1; 0.0.0.0 in a container)
  --public-host <name>       the name other containers use (e.g. a compose service): in the certificate and
                             every advertised URL (default: the bind address, 127.0.0.1 for 0.0.0.0)
  --allow-remote-control     let non-loopback clients use /_emulator/ (default: loopback only)
  --data-dir <dir>           keep rows, request log, signing key, CA and credentials here across restarts
  --dcr <file.json>          load a DCR (ARM JSON: creation body, GET response, template); repeatable
                             (default: the built-in Custom-AppLogs -> AppLogs_CL rule)
  --param <key=value>        value for [parameters('key')] in DCR templates; repeatable (JSON values allowed)
  --var <key=value>          value for [variables('key')] in DCR templates; repeatable (JSON values allowed)
  --table <file.json>        a table schema {name, columns:[{name,type}]}; repeatable
  --audience <url>           token audience to accept (default: https://monitor.azure.com); repeatable
  --token-lifetime <s>       access token lifetime in seconds (default: 3599)
  --throttle-requests <n>    requests per window and DCR (default: 12000)
  --throttle-bytes <n>       bytes per window and DCR (default: 2147483648)
  --throttle-window-ms <n>   window length (default: 60000)
  --no-throttle              turn throttling off
  --faults <file.json>       a fault plan active from the start
  --ca-dir <dir>             keep the CA here and reuse it across runs (default: a fresh CA per run)
  --tenant-id <id>, --client-id <id>, --client-secret <secret>
                             fixed credentials (default: random)
  --no-retain-rows           only count rows (for benchmarks)
  --discard-records          answer 204 without parsing records (load tests of a client)
  --json                     print exactly one JSON line with the connection details, then serve
  -h, --help                 show this help

Control endpoint (same port, loopback clients only): GET /_emulator/info, /_emulator/rows/{table},
/_emulator/counts, /_emulator/requests, /_emulator/dcr-errors, /_emulator/wait/{table}?count=N;
PUT/DELETE /_emulator/faults; POST /_emulator/reset (POST and PUT with content-type: application/json).
Dashboard: /_emulator/dashboard/. Query API (LogsQueryClient): POST /v1/workspaces/{workspaceId}/query.
See the package README.`

const positiveInt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got '${v}')`)
  return n
}

const parseKeyValue = (flag: string, text: string): [string, unknown] => {
  const eq = text.indexOf('=')
  if (eq <= 0) throw new Error(`${flag} expects key=value (got '${text}')`)
  const raw = text.slice(eq + 1)
  try {
    return [text.slice(0, eq), JSON.parse(raw)]
  } catch {
    return [text.slice(0, eq), raw]
  }
}

const readJsonFile = async (file: string, what: string): Promise<unknown> => {
  try {
    return JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    throw new Error(`${what} ${file}: ${(e as Error).message}`)
  }
}

export const parseCliOptions = async (
  argv: string[],
): Promise<{ options: EmulatorOptions; json: boolean; help: boolean }> => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-host': { type: 'string' },
      'allow-remote-control': { type: 'boolean' },
      'data-dir': { type: 'string' },
      dcr: { type: 'string', multiple: true },
      param: { type: 'string', multiple: true },
      var: { type: 'string', multiple: true },
      table: { type: 'string', multiple: true },
      audience: { type: 'string', multiple: true },
      'token-lifetime': { type: 'string' },
      'throttle-requests': { type: 'string' },
      'throttle-bytes': { type: 'string' },
      'throttle-window-ms': { type: 'string' },
      'no-throttle': { type: 'boolean' },
      faults: { type: 'string' },
      'ca-dir': { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'no-retain-rows': { type: 'boolean' },
      'discard-records': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const options: EmulatorOptions = {}
  const port = positiveInt('port', values.port)
  if (port !== undefined) options.port = port
  if (values.host !== undefined) options.host = values.host
  if (values['public-host'] !== undefined) options.publicHost = values['public-host']
  if (values['allow-remote-control'] === true) options.allowRemoteControl = true
  if (values['data-dir'] !== undefined) options.dataDir = values['data-dir']
  if (values.dcr !== undefined) options.dcrs = values.dcr
  if (values.param !== undefined)
    options.parameters = Object.fromEntries(values.param.map((p) => parseKeyValue('--param', p)))
  if (values.var !== undefined) options.variables = Object.fromEntries(values.var.map((v) => parseKeyValue('--var', v)))
  if (values.table !== undefined) {
    options.tables = (await Promise.all(
      values.table.map((f) => readJsonFile(f, '--table')),
    )) as EmulatorOptions['tables'] & {}
  }
  if (values.audience !== undefined) options.audiences = values.audience
  const lifetime = positiveInt('token-lifetime', values['token-lifetime'])
  if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime
  if (values['no-throttle'] === true) options.throttle = false
  else {
    const throttle: NonNullable<Exclude<EmulatorOptions['throttle'], false>> = {}
    const r = positiveInt('throttle-requests', values['throttle-requests'])
    const b = positiveInt('throttle-bytes', values['throttle-bytes'])
    const w = positiveInt('throttle-window-ms', values['throttle-window-ms'])
    if (r !== undefined) throttle.requestsPerWindow = r
    if (b !== undefined) throttle.bytesPerWindow = b
    if (w !== undefined) throttle.windowMs = w
    options.throttle = throttle
  }
  if (values.faults !== undefined)
    options.faults = (await readJsonFile(values.faults, '--faults')) as EmulatorOptions['faults'] & {}
  if (values['ca-dir'] !== undefined) options.caDir = values['ca-dir']
  if (values['tenant-id'] !== undefined) options.tenantId = values['tenant-id']
  if (values['client-id'] !== undefined) options.clientId = values['client-id']
  if (values['client-secret'] !== undefined) options.clientSecret = values['client-secret']
  if (values['no-retain-rows'] === true) options.retainRows = false
  if (values['discard-records'] === true) options.discardRecords = true
  return { options, json: values.json === true, help: values.help === true }
}
