/**
 * Naming of the local namespaces that hold daemon mirrors (`sync --from-remote`).
 * Kept apart from the mirror itself so the CLI's start-up can list them cheaply.
 */
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

import {UsageError} from '../domain/errors.js'

/** Every mirror namespace starts with this, so it is never mistaken for a tenant of one's own. */
export const MIRROR_PREFIX = 'mirror-'

const NAMESPACE_MAX = 63

/**
 * The default local namespace of a daemon's mirror: `mirror-` and its host and port.
 *
 * @example
 * ```ts
 * mirrorNamespaceFor('https://templates.example.com')      // 'mirror-templates-example-com'
 * mirrorNamespaceFor('http://127.0.0.1:8005/api/v1')        // 'mirror-127-0-0-1-8005'
 * ```
 */
export function mirrorNamespaceFor(daemonUrl: string): string {
  let url: URL
  try {
    url = new URL(daemonUrl)
  } catch {
    throw new UsageError(`--from-remote must be the URL of a maestro-tpl daemon, like http://host:8005`)
  }
  const host = `${url.hostname}${url.port ? `-${url.port}` : ''}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return `${MIRROR_PREFIX}${host}`.slice(0, NAMESPACE_MAX).replace(/-+$/, '')
}

/** Checks a namespace given with `--into`: it must be a mirror namespace. */
export function assertMirrorNamespace(namespace: string): string {
  if (!namespace.startsWith(MIRROR_PREFIX) || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(namespace)) {
    throw new UsageError(
      `--into must name a mirror namespace: ${MIRROR_PREFIX} followed by lowercase letters, digits, - or _ (63 characters at most), not ${JSON.stringify(namespace)}`,
    )
  }
  return namespace
}

/**
 * The mirror namespaces present in a local store (the CLI reads them, after its own).
 *
 * @example
 * ```ts
 * mirrorNamespaces('/home/me/.maestro') // ['mirror-templates-example-com']
 * ```
 */
export function mirrorNamespaces(home: string): string[] {
  try {
    return readdirSync(join(home, 'git'))
      .filter((entry) => entry.startsWith(MIRROR_PREFIX) && entry.endsWith('.git'))
      .map((entry) => entry.slice(0, -'.git'.length))
      .sort()
  } catch {
    return []
  }
}
