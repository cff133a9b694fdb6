/** SECURITY.md: the emulator binds the loopback address unless told otherwise, and says so in what it prints. */
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { DEFAULTS, startEmulator } from '../src/index.ts'

/** Local addresses of listening TCP sockets on `port`, from the kernel's table (Linux). */
const listeners = (port: number): string[] => {
  const found: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      if (local === undefined || state !== '0A') continue
      const [address, hexPort] = local.split(':')
      if (Number.parseInt(hexPort!, 16) === port) found.push(address!)
    }
  }
  return found
}

test.runIf(process.platform === 'linux')('listens on 127.0.0.1 only by default', async () => {
  expect(DEFAULTS.host).toBe('127.0.0.1')
  const e = await startEmulator()
  try {
    expect(e.endpoint).toBe(`https://127.0.0.1:${e.port}`)
    // 0100007F is 127.0.0.1 in the kernel's little-endian hex; 0.0.0.0 would be 00000000
    expect(listeners(e.port)).toEqual(['0100007F'])
  } finally {
    await e.close()
  }
})
