import {UnsafePathError} from './errors.js'

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
 * and segments longer than 255 bytes.
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
