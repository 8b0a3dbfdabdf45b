import {NameCollisionError, UnsafePathError} from './errors.js'

/** Longest file name most file systems accept (ext4, APFS, NTFS all cap a name at 255). */
const MAX_SEGMENT_BYTES = 255
/** PATH_MAX on Linux; longer paths fail to write anyway, so refuse them early with a clear reason. */
const MAX_PATH_BYTES = 4096

const utf8 = new TextEncoder()

/**
 * Checks that `path` is a safe POSIX path relative to some root and returns it.
 *
 * Every path that comes from outside (template folders, archives, rendered file names)
 * goes through here before it touches a file system or the store. The check refuses
 * rather than repairs: a path that needs normalising is a sign of something crafted,
 * so the returned value is the input, already in canonical form.
 *
 * Refused: empty paths, absolute paths (`/x`, `C:\x`, `C:/x`), backslashes, NUL and
 * other control characters, `.` and `..` segments, empty segments (`a//b`, `a/`),
 * `.git` components in any case (also `.git.` and `.git ` that Windows folds to `.git`),
 * segments longer than 255 bytes, names that are not valid UTF-8 (lone surrogates, U+FFFD)
 * and bidirectional control characters (U+202A-U+202E, U+2066-U+2069).
 *
 * @example
 * ```ts
 * assertSafeRelativePath('src/app.py')          // 'src/app.py'
 * assertSafeRelativePath('../etc/passwd')       // throws UnsafePathError
 * assertSafeRelativePath('x', 'rendered path')  // the second argument names the path in errors
 * ```
 */
export function assertSafeRelativePath(path: string, what = 'path'): string {
  const refuse = (reason: string): never => {
    throw new UnsafePathError(path, `${what} ${reason}`)
  }
  if (typeof path !== 'string' || path.length === 0) refuse('is empty')
  if (path.includes('\0')) refuse('contains a NUL byte')
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(path)) refuse('contains a control character')
  // A lone surrogate (from JSON) or U+FFFD (what a decoder makes of bytes that are not UTF-8).
  if (/\p{Surrogate}|\uFFFD/u.test(path)) refuse('is not valid UTF-8')
  const bidi = /[\u202A-\u202E\u2066-\u2069]/.exec(path)
  if (bidi)
    refuse(
      `contains the bidirectional control character U+${bidi[0].codePointAt(0)!.toString(16).toUpperCase()}, which makes a name read differently from what it is`,
    )
  if (path.includes('\\')) refuse('contains a backslash (use / as the separator)')
  if (path.startsWith('/')) refuse('is absolute')
  if (/^[A-Za-z]:/.test(path)) refuse('starts with a drive letter')
  if (utf8.encode(path).length > MAX_PATH_BYTES) refuse(`is longer than ${MAX_PATH_BYTES} bytes`)
  for (const segment of path.split('/')) {
    if (segment === '') refuse('has an empty segment')
    if (segment === '.' || segment === '..') refuse(`has a "${segment}" segment`)
    // Windows drops trailing dots and spaces, so `.git.` would land in `.git` there.
    if (segment.replace(/[. ]+$/, '').toLowerCase() === '.git') refuse('has a .git component')
    if (utf8.encode(segment).length > MAX_SEGMENT_BYTES)
      refuse(`has a segment longer than ${MAX_SEGMENT_BYTES} bytes`)
  }
  return path
}

/** What a case-insensitive, Unicode-normalising file system (macOS, Windows) makes of a name. */
function foldName(path: string): string {
  return path.normalize('NFC').toLowerCase()
}

/**
 * Collects paths and refuses one that names the same file or folder as an earlier one on
 * macOS or Windows (`README.md` and `readme.md`; `café` in NFC and in NFD; `Docs/a` and
 * `docs/b`), with a NameCollisionError that names the pair.
 *
 * @example
 * ```ts
 * const paths = new PathCollisions('template path')
 * paths.add('README.md')
 * paths.add('readme.md') // throws NameCollisionError
 * ```
 */
export class PathCollisions {
  readonly #seen = new Map<string, string>()
  readonly #what: string

  constructor(what = 'path') {
    this.#what = what
  }

  add(path: string): void {
    let prefix = ''
    for (const segment of path.split('/')) {
      prefix = prefix === '' ? segment : `${prefix}/${segment}`
      const key = foldName(prefix)
      const earlier = this.#seen.get(key)
      if (earlier === undefined) this.#seen.set(key, prefix)
      else if (earlier !== prefix) throw new NameCollisionError(earlier, prefix, this.#what)
    }
  }
}

/** Git looks this far into a file for a NUL byte to decide it is binary. */
const SNIFF_BYTES = 8000

/**
 * Whether a file's contents are binary: a NUL byte in the first 8000 bytes (git's rule),
 * or bytes that are not valid UTF-8. Binary files are copied as they are, never rendered.
 *
 * @example
 * ```ts
 * isBinary(new TextEncoder().encode('hello'))         // false
 * isBinary(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0))  // true (PNG header)
 * ```
 */
export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES)
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(bytes)
    return false
  } catch {
    return true
  }
}
