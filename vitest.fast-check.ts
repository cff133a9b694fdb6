/**
 * Property tests' seed. In CI every run tries the same inputs, so a red build is reproducible and never a coin toss;
 * on a developer's machine each run explores new ones (a failure prints its seed: rerun with `FC_SEED=<seed>`).
 * The fuzz targets pass their own fixed seeds and are not affected.
 */
import fc from 'fast-check'

const seed = process.env['FC_SEED'] ?? (process.env['CI'] ? '20261203' : undefined)
if (seed !== undefined) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(seed) })
