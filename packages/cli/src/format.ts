/** Number, size, duration and list formatting for what the CLI prints. Pure. */

const integerFormat = new Intl.NumberFormat('en-US')

/** `12,345` */
export const count = (n: number): string => integerFormat.format(n)

/** `3 records`, `1 record` */
export const plural = (n: number, noun: string, nouns = `${noun}s`): string => `${count(n)} ${n === 1 ? noun : nouns}`

/** `512 B`, `1.5 KiB`, `12.0 MiB` */
export const bytes = (n: number): string => {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(1)} ${units[i]}`
}

/** `850 ms`, `3.2 s`, `2 min 05 s` */
export const duration = (ms: number): string => {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

/** `1, 2, 5 and 97 more` for line numbers and names. */
export const firstOf = (items: readonly (string | number)[], total: number = items.length, shown = 5): string => {
  const head = items.slice(0, shown).join(', ')
  return total > shown ? `${head} and ${count(total - shown)} more` : head
}

/** A value shown in a message: JSON, cut to `max` characters. */
export const preview = (value: unknown, max = 60): string => {
  let text: string
  try {
    text = value instanceof Date ? value.toISOString() : (JSON.stringify(value) ?? String(value))
  } catch {
    text = String(value)
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
