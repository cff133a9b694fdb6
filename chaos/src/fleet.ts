/** `pnpm fleet`: the fleet simulation (see fleet-run.ts). */
export {}
