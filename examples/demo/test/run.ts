import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Runs `node <script>` of this package (`demo.mjs`, `app.mjs`) with `env` instead of the caller's. */
export function runScript(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const file = fileURLToPath(new URL(`../${script}`, import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** The environment without any Logs Ingestion settings a developer's shell may hold. */
export const cleanEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(DCR_LOGS_|AZURE_|NODE_EXTRA_CA_CERTS)/.test(key)),
  )
