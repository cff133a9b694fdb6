/** The dashboard's page, script and style: plain files shipped in the package's `dashboard/` folder. */

import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'

export interface StaticFile {
  body: Buffer
  contentType: string
}

export const STATIC_FILES: Readonly<Record<string, string>> = {
  '': 'index.html',
  'app.js': 'app.js',
  'app.css': 'app.css',
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
}

/** `dashboard/` next to `dist/` (the built package) or two levels up from `src/dashboard/` (this repository). */
const directory = (): URL => {
  for (const candidate of ['../dashboard/', '../../dashboard/']) {
    const url = new URL(candidate, import.meta.url)
    if (existsSync(new URL('index.html', url))) return url
  }
  throw new Error('The dashboard files (dashboard/index.html) are missing from @dcr-logs/test-harness.')
}

/** Reads the files once; later calls share the promise. */
export const loadStaticFiles = (): (() => Promise<Map<string, StaticFile>>) => {
  let loaded: Promise<Map<string, StaticFile>> | undefined
  return () => {
    loaded ??= (async () => {
      const dir = directory()
      const files = new Map<string, StaticFile>()
      for (const [route, name] of Object.entries(STATIC_FILES)) {
        const ext = name.slice(name.lastIndexOf('.') + 1)
        files.set(route, { body: await readFile(new URL(name, dir)), contentType: CONTENT_TYPES[ext]! })
      }
      return files
    })()
    return loaded
  }
}
