/**
 * The `spool` option: its type, defaults and validation (from the option or `DCR_LOGS_SPOOL_DIR` /
 * `DCR_LOGS_SPOOL_MAX_BYTES`). Pure apart from resolving a relative `dir` against the working directory.
 */
import { resolve as resolvePath } from 'node:path'
import { invalid } from '../option-values.js'
import type { Env } from '../options.js'

/** The durable spool's settings (`spool` option). */
export interface SpoolOptions {
  /** Directory of this client's spool (created, mode 0700); one client per directory. */
  dir: string
  /** Cap of the spool's files on disk; past it, records are handled in memory only. @defaultValue `SPOOL_DEFAULTS.maxBytes` */
  maxBytes?: number
}

/** Defaults of the `spool` option's fields (the spool itself is off unless `spool.dir` is given). */
export const SPOOL_DEFAULTS = Object.freeze({
  maxBytes: 1024 * 1024 * 1024,
  minBytes: 1024 * 1024,
})

/** `spool` from the option or `DCR_LOGS_SPOOL_DIR` / `DCR_LOGS_SPOOL_MAX_BYTES`; undefined when off. */
export const resolveSpool = (
  option: SpoolOptions | false | undefined,
  env: Env,
): { dir: string; maxBytes: number } | undefined => {
  if (option === false) return undefined
  const help = '{ dir: "/var/spool/my-app-logs", maxBytes?: 1073741824 } (or env DCR_LOGS_SPOOL_DIR), or false'
  if (option !== undefined && (option === null || typeof option !== 'object')) throw invalid('spool', option, help)
  const dir = option?.dir ?? env.DCR_LOGS_SPOOL_DIR
  if (dir === undefined || dir === '') {
    if (option !== undefined) throw invalid('spool.dir', dir, `a directory path in ${help}`)
    return undefined
  }
  if (typeof dir !== 'string' || dir.includes('\0')) throw invalid('spool.dir', dir, 'a directory path')
  const rawMax = option?.maxBytes ?? env.DCR_LOGS_SPOOL_MAX_BYTES
  const maxBytes =
    rawMax === undefined || rawMax === ''
      ? SPOOL_DEFAULTS.maxBytes
      : typeof rawMax === 'string'
        ? Number(rawMax)
        : rawMax
  if (typeof maxBytes !== 'number' || !Number.isSafeInteger(maxBytes) || maxBytes < SPOOL_DEFAULTS.minBytes) {
    throw invalid(
      option?.maxBytes !== undefined ? 'spool.maxBytes' : 'spool.maxBytes" (env DCR_LOGS_SPOOL_MAX_BYTES)',
      rawMax,
      `an integer of at least ${SPOOL_DEFAULTS.minBytes} (1 MiB)`,
    )
  }
  return { dir: resolvePath(dir), maxBytes }
}
