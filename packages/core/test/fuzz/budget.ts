/**
 * Fuzz budgets: a fixed seed and a run count per target, so the suite is repeatable and short. `pnpm fuzz` runs
 * the same targets with `FUZZ_SCALE` times the runs (and `FUZZ_SEED`, when set, for a different corpus).
 */
export const fuzz = (runs: number): { seed: number; numRuns: number } => ({
  seed: Number(process.env['FUZZ_SEED'] ?? 14),
  numRuns: Math.max(1, Math.round(runs * Number(process.env['FUZZ_SCALE'] ?? 1))),
})
