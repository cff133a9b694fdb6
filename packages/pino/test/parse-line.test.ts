import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createLineParser, InvalidLineError } from '../src/parse-line.ts'

const reasonOf = (parse: (line: string) => unknown, line: string): string | undefined => {
  try {
    parse(line)
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidLineError)
    return (error as InvalidLineError).reason
  }
}

describe('createLineParser', () => {
  const parse = createLineParser(1024)

  it('returns the object pino wrote', () => {
    expect(parse('{"level":30,"msg":"hi"}')).toEqual({ level: 30, msg: 'hi' })
  })

  it('names the reason a line cannot be shipped', () => {
    expect(reasonOf(parse, '{"level":30,"msg":"trunc')).toBe('not-json')
    expect(reasonOf(parse, 'Server listening on 3000')).toBe('not-json')
    expect(reasonOf(parse, '42')).toBe('not-object')
    expect(reasonOf(parse, '[1,2]')).toBe('not-object')
    expect(reasonOf(parse, 'null')).toBe('not-object')
    expect(reasonOf(parse, '   ')).toBe('blank')
    expect(reasonOf(parse, `{"msg":"${'x'.repeat(2000)}"}`)).toBe('too-large')
  })

  it('counts UTF-8 bytes, not characters, against maxLineBytes', () => {
    const line = `{"msg":"${'é'.repeat(600)}"}` // 610 characters, 1,210 bytes
    expect(reasonOf(parse, line)).toBe('too-large')
    expect(reasonOf(createLineParser(2048), line)).toBeUndefined()
  })

  it('never throws anything but InvalidLineError, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (line) => {
        try {
          const value = parse(line)
          expect(typeof value).toBe('object')
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidLineError)
        }
      }),
    )
  })
})
