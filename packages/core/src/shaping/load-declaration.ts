/**
 * The stream declaration a client checks records against: the `streamDeclaration` option read (a file is read
 * once, synchronously, when the client is created), or the preset's columns. The one I/O of record shaping.
 */
import { readFileSync } from 'node:fs'
import type { StreamDeclaration } from '../dcr/dcr-types.js'
import { resolveStreamDeclaration } from '../dcr/declaration.js'
import { LogsIngestionError, messageOf } from '../errors.js'
import { TABLE_PRESETS } from '../presets/index.js'
import type { ResolvedShaping } from './shaping-options.js'

const fail = (option: string, message: string, cause?: unknown): LogsIngestionError =>
  new LogsIngestionError('INVALID_OPTIONS', `Invalid option "${option}": ${message}.`, { cause })

/**
 * The declaration in effect: the `streamDeclaration` option when given, else the preset's columns, else none.
 * Throws `INVALID_OPTIONS` naming the file or the column that is wrong.
 */
export const loadStreamDeclaration = (
  shaping: Pick<ResolvedShaping, 'preset' | 'streamDeclaration'>,
  streamName: string,
  option = 'streamDeclaration',
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): StreamDeclaration | undefined => {
  const given = shaping.streamDeclaration
  if (given === undefined) {
    return shaping.preset === undefined ? undefined : { streamName, columns: TABLE_PRESETS[shaping.preset].columns }
  }
  let input: unknown = given
  let where = 'the declaration'
  if (!Array.isArray(given) && 'file' in given) {
    where = given.file
    let text: string
    try {
      text = readFile(given.file)
    } catch (error) {
      throw fail(option, `cannot read ${given.file} (${messageOf(error)})`, error)
    }
    try {
      input = JSON.parse(text)
    } catch (error) {
      throw fail(option, `${given.file} is not JSON (${messageOf(error)})`, error)
    }
  }
  const result = resolveStreamDeclaration(input, { streamName })
  if (!result.ok) throw fail(option, where === 'the declaration' ? result.message : `${where}: ${result.message}`)
  return { streamName, columns: result.declaration.columns }
}
