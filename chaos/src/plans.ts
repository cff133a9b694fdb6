/** The fault plans of a chaos run: trouble on every kind of request, and an outage. */
import type { FaultPlan } from '@dcr-logs/test-harness'

/**
 * About one request in three meets trouble: 429 with and without Retry-After, 5xx, connection resets before the
 * body is read and after it is stored (the client cannot know it landed: a duplicate by design), and latency spikes.
 */
export const CHAOS_PLAN: FaultPlan = {
  seed: 14,
  rules: [
    { fault: { type: 'status', status: 429, retryAfterSeconds: 1 }, probability: 0.06 },
    { fault: { type: 'status', status: 429 }, probability: 0.04 },
    { fault: { type: 'status', status: 503 }, probability: 0.05 },
    { fault: { type: 'status', status: 500 }, probability: 0.03 },
    { fault: { type: 'reset', when: 'before-body' }, probability: 0.04 },
    { fault: { type: 'reset', when: 'after-body', ingest: true }, probability: 0.02 },
    { fault: { type: 'reset', when: 'after-body' }, probability: 0.02 },
    { fault: { type: 'latency', ms: 1_500 }, probability: 0.05 },
  ],
}

/** Every request fails: 503 or a reset, as when the region or the network is down. */
export const OUTAGE_PLAN: FaultPlan = {
  seed: 15,
  rules: [
    { fault: { type: 'reset', when: 'before-body' }, probability: 0.3 },
    { fault: { type: 'status', status: 503 } },
  ],
}
