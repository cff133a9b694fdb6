import { once } from 'node:events'
import winston from 'winston'
import TransportStream from 'winston-transport'
import type { WinstonInfo } from '../../src/index.ts'

/** A transport that keeps what winston hands to `log()`, to map real info objects in unit tests. */
class CaptureTransport extends TransportStream {
  readonly infos: WinstonInfo[] = []

  override log(info: WinstonInfo, callback: () => void): void {
    this.infos.push(info)
    callback()
  }
}

/** Runs `use` against a real winston logger, ends it, and returns the info objects its transport received. */
export const captureInfos = async (
  options: winston.LoggerOptions,
  use: (logger: winston.Logger) => void,
  transportOptions: TransportStream.TransportStreamOptions = {},
): Promise<WinstonInfo[]> => {
  const capture = new CaptureTransport(transportOptions)
  const logger = winston.createLogger({ ...options, transports: [capture] })
  use(logger)
  const finished = once(logger, 'finish')
  logger.end()
  await finished
  return capture.infos
}

/** The only info `use` produced. */
export const captureInfo = async (options: winston.LoggerOptions, use: (logger: winston.Logger) => void) => {
  const infos = await captureInfos(options, use)
  if (infos.length !== 1) throw new Error(`expected one record, got ${infos.length}`)
  return infos[0]!
}
