/**
 * Content identity of a template version.
 */
import {createHash} from 'node:crypto'

/**
 * sha256 over the sorted `path NUL oid LF` lines. Git blob ids already identify
 * contents, so two versions hash equal exactly when they hold the same paths with the
 * same contents.
 *
 * @example
 * ```ts
 * contentHash(new Map([['README.md', {oid: 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'}]]))
 * ```
 */
export function contentHash(files: ReadonlyMap<string, {readonly oid: string}>): string {
  const hash = createHash('sha256')
  // Plain code-unit order, not localeCompare: the hash must not depend on the locale.
  for (const path of [...files.keys()].sort()) {
    hash.update(`${path}\0${files.get(path)?.oid ?? ''}\n`)
  }
  return hash.digest('hex')
}
