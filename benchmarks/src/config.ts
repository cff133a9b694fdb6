/** Sizes of each scenario in full and quick mode. Full mode must end within 15 minutes on a 2-core machine. */

export interface BenchConfig {
  mode: 'full' | 'quick'
  /** Repetitions of each scenario (the outage has its own count: it is long). */
  repetitions: number
  outageRepetitions: number
  /** Records of scenarios 1, 7 and 8, built before timing starts. */
  throughputRecords: number
  /** Records per `upload()` call of the SDK's batched mode (its best use is one call with the whole array). */
  sdkBatch: number
  /** zlib levels compared in scenario 8 (core at default options otherwise). */
  compressionLevels: number[]
  frameworkRecords: number
  /** Core's buffer in the framework scenarios (dcr-logs contenders): room for the whole burst. */
  frameworkBuffer: { maxBufferBytes: number; maxBufferRecords: number }
  outage: {
    rate: number
    warmupMs: number
    outageMs: number
    afterMs: number
    maxBufferBytes: number
    maxBufferRecords: number
    maxDelayMs: number
  }
  latency: { lowRate: number; highRate: number; durationMs: number; smallLingerMs: number }
}

const common = {
  sdkBatch: 50_000,
  frameworkBuffer: { maxBufferBytes: 256 * 1024 * 1024, maxBufferRecords: 400_000 },
  latency: { lowRate: 100, highRate: 20_000, smallLingerMs: 20 },
}

export const FULL: BenchConfig = {
  mode: 'full',
  repetitions: 3,
  outageRepetitions: 2,
  throughputRecords: 300_000,
  sdkBatch: common.sdkBatch,
  compressionLevels: [1, 3, 6],
  frameworkRecords: 200_000,
  frameworkBuffer: common.frameworkBuffer,
  outage: {
    rate: 20_000,
    warmupMs: 3_000,
    outageMs: 60_000,
    afterMs: 10_000,
    maxBufferBytes: 16 * 1024 * 1024,
    maxBufferRecords: 100_000,
    maxDelayMs: 5_000,
  },
  latency: { ...common.latency, durationMs: 10_000 },
}

export const QUICK: BenchConfig = {
  mode: 'quick',
  repetitions: 1,
  outageRepetitions: 1,
  throughputRecords: 30_000,
  sdkBatch: common.sdkBatch,
  compressionLevels: [1],
  frameworkRecords: 20_000,
  frameworkBuffer: common.frameworkBuffer,
  outage: {
    rate: 20_000,
    warmupMs: 500,
    outageMs: 3_000,
    afterMs: 1_500,
    maxBufferBytes: 4 * 1024 * 1024,
    maxBufferRecords: 100_000,
    maxDelayMs: 1_000,
  },
  latency: { ...common.latency, durationMs: 1_500 },
}
