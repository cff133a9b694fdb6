import { describe, expect, it } from 'vitest'
import { TokenCache } from '../../src/auth/token-cache.ts'
import type { AccessToken, TokenCredential } from '../../src/index.ts'

const fakeCredential = (lifetimeMs: number, clock: { now: number }) => {
  const calls: string[] = []
  let n = 0
  let release: (() => void) | undefined
  let gate: Promise<void> | undefined
  const credential: TokenCredential = {
    async getToken(scopes) {
      calls.push(String(scopes))
      if (gate) await gate
      n++
      return { token: `token-${n}`, expiresOnTimestamp: clock.now + lifetimeMs } satisfies AccessToken
    },
  }
  return {
    credential,
    calls,
    hold() {
      gate = new Promise((r) => {
        release = () => {
          gate = undefined
          r()
        }
      })
    },
    release: () => release?.(),
  }
}

describe('TokenCache', () => {
  it('caches until the refresh point, then refreshes in the background while the old token still works', async () => {
    const clock = { now: 1_000_000 }
    const fake = fakeCredential(3600_000, clock)
    const cache = new TokenCache(fake.credential, 'https://monitor.azure.com/.default', {
      refreshMarginMs: 300_000,
      now: () => clock.now,
    })
    expect(await cache.get()).toBe('token-1')
    expect(await cache.get()).toBe('token-1')
    expect(fake.calls).toEqual(['https://monitor.azure.com/.default'])
    clock.now += 3600_000 - 200_000 // inside the 5-minute margin
    expect(await cache.get()).toBe('token-1')
    await new Promise((r) => setImmediate(r))
    expect(await cache.get()).toBe('token-2')
  })

  it('runs one refresh at a time for concurrent callers', async () => {
    const clock = { now: 0 }
    const fake = fakeCredential(3600_000, clock)
    const cache = new TokenCache(fake.credential, 's', { refreshMarginMs: 300_000, now: () => clock.now })
    fake.hold()
    const all = Promise.all([cache.get(), cache.get(), cache.get()])
    fake.release()
    expect(await all).toEqual(['token-1', 'token-1', 'token-1'])
    expect(fake.calls).toHaveLength(1)
  })

  it('refreshes short-lived tokens at half their lifetime, not constantly', async () => {
    const clock = { now: 0 }
    const fake = fakeCredential(60_000, clock)
    const cache = new TokenCache(fake.credential, 's', { refreshMarginMs: 300_000, now: () => clock.now })
    await cache.get()
    clock.now = 20_000
    await cache.get()
    expect(fake.calls).toHaveLength(1)
  })

  it('fetches a new token after invalidate (a 401), and after expiry', async () => {
    const clock = { now: 0 }
    const fake = fakeCredential(3600_000, clock)
    const cache = new TokenCache(fake.credential, 's', { refreshMarginMs: 0, now: () => clock.now })
    const t1 = await cache.get()
    cache.invalidate('some-other-token')
    expect(await cache.get()).toBe(t1)
    cache.invalidate(t1)
    expect(await cache.get()).toBe('token-2')
    clock.now += 3600_001
    expect(await cache.get()).toBe('token-3')
  })

  it('rejects when the credential returns null', async () => {
    const cache = new TokenCache({ getToken: async () => null }, 'scope-x', { refreshMarginMs: 0, now: () => 0 })
    await expect(cache.get()).rejects.toThrow(/no token for scope scope-x/)
  })
})
