/** Loads a `mapperModule` inside the worker, where functions can live (they cannot be cloned into it). */
import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { LogsIngestionError } from '@dcr-logs/core'
import type { CustomMapper } from './record-mapper.ts'

/**
 * Resolves the specifier like the application would (relative to the working directory) and imports it.
 * Throws `INVALID_OPTIONS` naming the module when it cannot be loaded or exports no function.
 */
export async function loadMapperModule(specifier: string, cwd: string): Promise<CustomMapper> {
  let url: string
  try {
    if (specifier.startsWith('file:')) url = specifier
    else if (isAbsolute(specifier) || specifier.startsWith('.')) url = pathToFileURL(resolve(cwd, specifier)).href
    else url = pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(specifier)).href
  } catch (error) {
    throw failure(specifier, `cannot be resolved from ${cwd} (${(error as Error).message})`, error)
  }
  let loaded: Record<string, unknown>
  try {
    loaded = (await import(url)) as Record<string, unknown>
  } catch (error) {
    throw failure(specifier, `failed to load (${(error as Error).message})`, error)
  }
  // a CommonJS module's exports arrive as `default`, and a transpiled ESM default may sit one level deeper
  const candidates = [
    loaded['default'],
    (loaded['default'] as Record<string, unknown> | undefined)?.['default'],
    loaded['mapLine'],
  ]
  const fn = candidates.find((c): c is CustomMapper => typeof c === 'function')
  if (fn === undefined) throw failure(specifier, 'exports no function (export default (line, columns) => columns)')
  return fn
}

const failure = (specifier: string, what: string, cause?: unknown): LogsIngestionError =>
  new LogsIngestionError(
    'INVALID_OPTIONS',
    `Invalid option "mapperModule" of @dcr-logs/pino: "${specifier}" ${what}.`,
    {
      cause,
    },
  )
