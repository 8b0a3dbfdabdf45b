/**
 * Checks for what goes into a git tree. Paths go through the domain's
 * `assertSafeRelativePath` (nothing leaves its root); on top of it, a name must not
 * be one that `git fsck --strict` rejects as `.git` in disguise: the NTFS short name
 * `git~1`, or `.git` spelled with characters HFS+ ignores.
 */
import {UnsafePathError, UsageError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'

// Characters HFS+ ignores when comparing names, so `.g\u200cit` is `.git` there.
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g

/**
 * Checks a POSIX path relative to a template folder and returns its segments.
 * Refuses what `assertSafeRelativePath` refuses, and `.git` aliases.
 *
 * @example
 * ```ts
 * safeSegments('files/src/main.py') // ['files', 'src', 'main.py']
 * safeSegments('../etc/passwd')     // throws UnsafePathError
 * safeSegments('files/git~1/config') // throws UnsafePathError
 * ```
 */
export function safeSegments(path: string, what = 'template file path'): string[] {
  const segments = assertSafeRelativePath(path, what).split('/')
  for (const segment of segments) {
    const folded = segment.replace(HFS_IGNORED, '').toLowerCase()
    if (folded.replace(/[. ]+$/, '') === '.git' || folded === 'git~1') {
      throw new UnsafePathError(path, `${what} has a .git component`)
    }
  }
  return segments
}

/**
 * Checks a template location `<category>/<name>` and returns its two segments.
 *
 * @example
 * ```ts
 * templateLocation('backend_developer/fastapi-service') // ['backend_developer', 'fastapi-service']
 * templateLocation('fastapi-service')                   // throws UnsafePathError
 * ```
 */
export function templateLocation(path: string): [category: string, name: string] {
  const segments = safeSegments(path, 'template location')
  if (segments.length !== 2) throw new UnsafePathError(path, 'a template lives at <category>/<name>')
  return [segments[0] as string, segments[1] as string]
}

/** What a namespace may be called: it names a folder and appears in URLs. */
export const NAMESPACE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/

/**
 * Checks a namespace name (tenant, or `public`) and returns it.
 *
 * @example
 * ```ts
 * assertNamespace('acme')    // 'acme'
 * assertNamespace('../acme') // throws UsageError
 * ```
 */
export function assertNamespace(namespace: string): string {
  if (typeof namespace !== 'string' || !NAMESPACE_PATTERN.test(namespace)) {
    throw new UsageError(
      `invalid namespace ${JSON.stringify(namespace)}: use 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter or digit`,
      {namespace},
    )
  }
  return namespace
}
