/** Checks `startEmulator()` options before anything starts, with messages that name the option. Pure. */
import { EmulatorError } from './errors.ts'
import type { EmulatorOptions } from './options.ts'

const invalid = (message: string): EmulatorError => new EmulatorError('INVALID_OPTIONS', message)

export const validateOptions = (o: EmulatorOptions): void => {
  const positive = (name: keyof EmulatorOptions): void => {
    const v = o[name]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      throw invalid(`${name} must be a positive number (got ${String(v)}).`)
    }
  }
  positive('tokenLifetimeSeconds')
  positive('maxRequestBytes')
  positive('maxDecompressedBytes')
  positive('maxFieldBytes')
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535)) {
    throw invalid(`port must be an integer 0–65535 (got ${o.port}).`)
  }
  if (o.throttle !== undefined && o.throttle !== false) {
    for (const [k, v] of Object.entries(o.throttle)) {
      if (v !== undefined && (typeof v !== 'number' || !(v > 0))) {
        throw invalid(`throttle.${k} must be a positive number (got ${String(v)}).`)
      }
    }
  }
  if (o.dcrs !== undefined && (!Array.isArray(o.dcrs) || o.dcrs.length === 0)) {
    throw invalid('dcrs must be a non-empty array (leave it out for the default DCR).')
  }
  if (o.publicHost !== undefined && !/^[A-Za-z0-9.:-]+$/.test(o.publicHost)) {
    throw invalid(
      `publicHost must be a host name or IP address, without scheme or port (got '${o.publicHost}'); the port is the one the emulator listens on.`,
    )
  }
  for (const [name, value] of [
    ['parameters', o.parameters],
    ['variables', o.variables],
  ] as const) {
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw invalid(`${name} must be an object of name → value (got ${JSON.stringify(value)}).`)
    }
  }
  if (o.dataDir !== undefined && (typeof o.dataDir !== 'string' || o.dataDir === '')) {
    throw invalid('dataDir must be a directory path.')
  }
}
