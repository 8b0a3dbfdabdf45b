import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/**
 * The folder holding maestro-tpl's package.json, found by walking up from this module.
 *
 * The same code runs from `src/domain` (vitest, tsx) and from `dist/src/domain` (the
 * built CLI), so a fixed `../..` would be wrong in one of them.
 *
 * @example
 * ```ts
 * const schemaPath = join(packageRoot(), 'schemas', 'manifest.schema.json')
 * ```
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (cached = dir)
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`)
    dir = parent
  }
}
