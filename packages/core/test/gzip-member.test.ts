import { constants, crc32, deflateRawSync, gunzipSync } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { assembleMember, assemblePlain, crc32Combine, memberOverhead } from '../src/gzip-member.ts'

const piece = (text: string, level = 6) => {
  const raw = Buffer.from(text, 'utf8')
  return {
    data: deflateRawSync(raw, { level, finishFlush: constants.Z_SYNC_FLUSH }),
    crc: crc32(raw),
    rawBytes: raw.length,
  }
}

describe('gzip member from independently compressed pieces', () => {
  it('property: crc32Combine(crc(a), crc(b), |b|) = crc(a + b)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 3000 }), (a, b) => {
        expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])))
      }),
    )
  })

  it('property: any pieces make one member that gunzip (CRC and length checked) reads as the JSON array', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.json({ maxDepth: 2 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        (groups, level) => {
          const pieces = groups.map((docs) => piece(docs.join(','), level))
          const body = assembleMember(pieces)
          expect(body.length).toBe(memberOverhead(pieces.length) + pieces.reduce((n, p) => n + p.data.length, 0))
          expect(gunzipSync(body).toString('utf8')).toBe(`[${groups.map((d) => d.join(',')).join(',')}]`)
        },
      ),
    )
  })

  it('writes the plain array without compression', () => {
    const raw = (t: string) => ({ data: Buffer.from(t), crc: crc32(t), rawBytes: Buffer.byteLength(t) })
    expect(assemblePlain([raw('{"a":1}'), raw('{"b":"é"}')]).toString()).toBe('[{"a":1},{"b":"é"}]')
  })
})
