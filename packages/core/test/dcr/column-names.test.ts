import { RESERVED_COLUMN_NAMES as EMULATOR_RESERVED } from '@dcr-logs/test-harness'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkColumnName, isValidColumnName, RESERVED_COLUMN_NAMES, suggestColumnName } from '../../src/index.ts'

describe('checkColumnName', () => {
  it('accepts names of 2 to 45 ASCII letters, digits and _ that start with a letter', () => {
    for (const name of ['Tenant', 'ab', 'DurationMs', 'http_status_2', 'A'.repeat(45), 'MerchantId_CF']) {
      expect(checkColumnName(name), name).toBeUndefined()
    }
  })

  it('names the rule a name breaks and proposes a valid one', () => {
    expect(checkColumnName('a')).toMatchObject({ code: 'too-short' })
    expect(checkColumnName('A'.repeat(46))).toMatchObject({ code: 'too-long', suggestion: 'A'.repeat(45) })
    expect(checkColumnName('_private')).toMatchObject({ code: 'first-character', suggestion: 'private' })
    expect(checkColumnName('2xx')).toMatchObject({ code: 'first-character', suggestion: 'c2xx' })
    expect(checkColumnName('req.id')).toMatchObject({ code: 'characters', suggestion: 'req_id' })
    expect(checkColumnName('user-agent')?.message).toBe(
      "'user-agent' may hold only ASCII letters, digits and _ (no spaces, dots, dashes or accents); rename it, e.g. to 'user_agent'",
    )
    expect(checkColumnName('Größe')).toMatchObject({ code: 'characters' })
  })

  it('refuses every reserved name in any case, and suggests one with _ appended', () => {
    for (const name of RESERVED_COLUMN_NAMES) {
      expect(checkColumnName(name)).toMatchObject({ code: 'reserved' })
      expect(checkColumnName(name.toUpperCase())).toMatchObject({ code: 'reserved' })
    }
    expect(checkColumnName('TenantId')?.suggestion).toBe('TenantId_')
    expect(checkColumnName('id')?.message).toContain("'id' is a name the service reserves")
  })

  it('property: every suggestion is itself a valid column name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (name) => {
        const suggestion = suggestColumnName(name)
        if (suggestion !== undefined) expect(isValidColumnName(suggestion)).toBe(true)
      }),
    )
  })
})

describe('RESERVED_COLUMN_NAMES', () => {
  // the emulator keeps its own copy on purpose (it must not trust the client's rules): the two must not drift
  it('is the list the emulator refuses', () => {
    expect([...RESERVED_COLUMN_NAMES].sort()).toEqual([...EMULATOR_RESERVED].sort())
  })
})
