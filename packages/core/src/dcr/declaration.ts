/**
 * The stream declaration records are checked against: given inline (`[{name, type}]`, `{ columns }`, or
 * `{ 'Custom-X': { columns } }`) or found in a DCR of any shape `readDcr` reads. Pure.
 */
import type { DcrProblem, StreamDeclaration, StreamDeclarationResult } from './dcr-types.js'
import { isObject, quote, readColumns } from './read-columns.js'
import { readDcr } from './read-dcr.js'

const describeErrors = (problems: readonly DcrProblem[]): string =>
  problems
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ')

/** An inline declaration: `[{name, type}]` or `{ columns: [...] }`. */
const inline = (raw: unknown, streamName: string): StreamDeclarationResult => {
  const problems: DcrProblem[] = []
  const columns = readColumns(Array.isArray(raw) ? { columns: raw } : raw, 'declaration', problems)
  const errors = describeErrors(problems)
  return errors === ''
    ? { ok: true, declaration: { streamName, columns } }
    : { ok: false, message: `invalid stream declaration: ${errors}` }
}

const pick = (
  streams: readonly StreamDeclaration[],
  streamName: string | undefined,
  where: string,
): StreamDeclarationResult => {
  const names = streams.map((s) => s.streamName)
  if (streamName === undefined) {
    if (streams.length === 1) return { ok: true, declaration: streams[0]! }
    return {
      ok: false,
      message:
        streams.length === 0
          ? `${where} declares no custom stream`
          : `${where} declares several streams (${names.join(', ')}); say which one (streamName)`,
    }
  }
  const declaration = streams.find((s) => s.streamName === streamName)
  if (declaration !== undefined) return { ok: true, declaration }
  const near = streams.find((s) => s.streamName.toLowerCase() === streamName.toLowerCase())
  return {
    ok: false,
    message: `${where} does not declare the stream '${streamName}'${near ? ` (stream names are case-sensitive: '${near.streamName}')` : ''}; it declares ${names.join(', ') || 'none'}`,
  }
}

/**
 * The stream declaration to check records against, from an inline declaration (`[{name, type}]`,
 * `{ columns }`, or `{ 'Custom-X': { columns } }` as in `@dcr-logs/core/schema/stream-declaration.json`) or from a
 * DCR in any shape `readDcr` reads. `streamName` picks the stream when there are several. Never throws.
 */
export const resolveStreamDeclaration = (
  input: unknown,
  options: { streamName?: string } = {},
): StreamDeclarationResult => {
  if (Array.isArray(input) || (isObject(input) && Array.isArray(input['columns']))) {
    return inline(input, options.streamName ?? 'Custom-Stream')
  }
  if (!isObject(input))
    return { ok: false, message: 'a stream declaration must be a JSON object or an array of columns' }
  const keys = Object.keys(input)
  if (keys.length > 0 && keys.every((k) => k.startsWith('Custom-') && isObject(input[k]))) {
    const problems: DcrProblem[] = []
    const streams = keys.map((k) => ({ streamName: k, columns: readColumns(input[k], quote(k), problems) }))
    const errors = describeErrors(problems)
    return errors === ''
      ? pick(streams, options.streamName, 'the declaration')
      : { ok: false, message: `invalid stream declaration: ${errors}` }
  }
  const read = readDcr(input)
  if (!read.ok) return read
  const all = read.dcrs.flatMap((d) => d.streams)
  const errors = describeErrors(
    read.dcrs
      .flatMap((d) => d.problems)
      .filter((p) => p.code.startsWith('InvalidColumn') || p.code === 'InvalidStreamDeclaration'),
  )
  if (errors !== '') return { ok: false, message: `the DCR's stream declaration is invalid: ${errors}` }
  return pick(all, options.streamName, 'the DCR')
}
