/**
 * Splits one buffer budget between routes, so a flood on one route (or an outage of its DCR) cannot take the
 * buffer space of the others, and all of them together hold no more than the client's `maxBufferBytes` and
 * `maxBufferRecords`. Pure.
 */
import { invalid } from '../option-values.js'
import { DEFAULT_ROUTE } from './route-options.js'

export interface BufferLimits {
  maxBufferBytes: number
  maxBufferRecords: number
}

/** The smallest `maxBufferBytes` a client accepts. */
const MIN_BUFFER_BYTES = 1024

/**
 * The buffer limits of each route, the default route first. Routes with a `bufferShare` get that fraction;
 * the default route and routes without one split the rest evenly. Throws `INVALID_OPTIONS` when the shares leave
 * nothing for the others, or a share is too small to hold anything.
 */
export const splitBuffer = (
  total: BufferLimits,
  routes: ReadonlyArray<{ name: string; bufferShare?: number | undefined }>,
): BufferLimits[] => {
  const given = routes.reduce((sum, r) => sum + (r.bufferShare ?? 0), 0)
  const unshared = 1 + routes.filter((r) => r.bufferShare === undefined).length
  if (given >= 1 - 1e-9) {
    throw invalid(
      'routes[].bufferShare',
      given,
      'shares that add up to less than 1, leaving a share for the default route (records that match no route)',
    )
  }
  const rest = (1 - given) / unshared
  const shares = [rest, ...routes.map((r) => r.bufferShare ?? rest)]
  const names = [DEFAULT_ROUTE, ...routes.map((r) => r.name)]
  return shares.map((share, i) => {
    const limits = {
      maxBufferBytes: Math.floor(total.maxBufferBytes * share),
      maxBufferRecords: Math.floor(total.maxBufferRecords * share),
    }
    if (limits.maxBufferBytes < MIN_BUFFER_BYTES || limits.maxBufferRecords < 1) {
      const option = i === 0 ? 'maxBufferBytes' : `routes[${i - 1}] ("${names[i]}").bufferShare`
      throw invalid(
        option,
        i === 0 ? total.maxBufferBytes : share,
        `a share of the buffer of at least ${MIN_BUFFER_BYTES} bytes and 1 record for route "${names[i]}" (it would get ${limits.maxBufferBytes} bytes and ${limits.maxBufferRecords} records); raise maxBufferBytes/maxBufferRecords or the share`,
      )
    }
    return limits
  })
}
