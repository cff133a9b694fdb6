#!/usr/bin/env node
/** `dcr-logs`: the entry npm links as a command. Everything else is in main.ts, which tests call directly. */
import { processIo } from './io.ts'
import { main } from './main.ts'

main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code
})
