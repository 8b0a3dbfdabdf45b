/**
 * Semantic versions as columns the database can compare: `major`, `minor`, `patch` as
 * integers and the prerelease as a key whose byte order is semver precedence, so "is
 * there a newer compatible version" is a query (GET /projects?outdated=true), not a loop.
 */
import semver from 'semver'

export interface VersionColumns {
  major: number
  minor: number
  patch: number
  /** Prerelease part as written (`rc.1`), '' for a release. */
  prerelease: string
  /** {@link prereleaseKey} of it: '' for a release. */
  prerelease_key: string
}

/**
 * A prerelease as a string whose byte (code point) order is semver's precedence:
 * numeric identifiers become `0` + their length on three digits + the digits (so 9 < 10
 * and numbers sort below words), alphanumeric ones `1` + the identifier (ASCII order,
 * as semver says), joined by a space, which sorts below every character an identifier
 * may hold (so `alpha` < `alpha.1` < `alpha-x`, as semver wants). Compare with
 * `COLLATE "C"` on PostgreSQL.
 *
 * @example
 * ```ts
 * prereleaseKey(['rc', 2]) < prereleaseKey(['rc', 10]) // true
 * ```
 */
export function prereleaseKey(identifiers: readonly (string | number)[]): string {
  return identifiers
    .map((id) =>
      typeof id === 'number' || /^\d+$/.test(id)
        ? `0${String(id).length.toString().padStart(3, '0')}${id}`
        : `1${id}`,
    )
    .join(' ')
}

/**
 * The columns of a version, or throws when it is not a semantic version.
 *
 * @example
 * ```ts
 * versionColumns('1.2.0-rc.1') // {major: 1, minor: 2, patch: 0, prerelease: 'rc.1', prerelease_key: '1rc 0011'}
 * ```
 */
export function versionColumns(version: string): VersionColumns {
  const parsed = semver.parse(version)
  if (parsed === null) throw new Error(`${version} is not a semantic version`)
  return {
    major: parsed.major,
    minor: parsed.minor,
    patch: parsed.patch,
    prerelease: parsed.prerelease.join('.'),
    prerelease_key: prereleaseKey(parsed.prerelease),
  }
}
