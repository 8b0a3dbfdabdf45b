import {UsageError} from './errors.js'

/**
 * A reference to a template as users type it: `name`, `name@1.2.0`, `name@^1`,
 * `namespace/name@~1.2`, or a template id (UUID).
 *
 * @example
 * ```ts
 * parseRef('public/fastapi-service@^1') // {namespace: 'public', name: 'fastapi-service', spec: '^1'}
 * ```
 */
export interface TemplateRef {
  namespace?: string
  name?: string
  id?: string
  /** Exact version or semver range; absent means the latest version. */
  spec?: string | undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const NAMESPACE = /^[a-z0-9][a-z0-9_-]{0,62}$/

export function parseRef(ref: string): TemplateRef {
  const trimmed = ref.trim()
  const at = trimmed.indexOf('@')
  const head = at === -1 ? trimmed : trimmed.slice(0, at)
  const spec = at === -1 ? undefined : trimmed.slice(at + 1).trim()
  if (spec !== undefined && spec === '') {
    throw new UsageError(`${JSON.stringify(ref)}: nothing after @; write NAME@VERSION or NAME@RANGE`)
  }
  if (UUID.test(head)) return {id: head.toLowerCase(), ...(spec ? {spec} : {})}
  const slash = head.indexOf('/')
  const namespace = slash === -1 ? undefined : head.slice(0, slash)
  const name = slash === -1 ? head : head.slice(slash + 1)
  if (namespace !== undefined && !NAMESPACE.test(namespace)) {
    throw new UsageError(`${JSON.stringify(ref)}: ${JSON.stringify(namespace)} is not a valid namespace`)
  }
  if (!NAME.test(name)) {
    throw new UsageError(
      `${JSON.stringify(ref)} is not a template reference; expected NAME, NAME@VERSION, NAME@RANGE or NAMESPACE/NAME (names are lowercase words joined by -)`,
    )
  }
  return {...(namespace ? {namespace} : {}), name, ...(spec ? {spec} : {})}
}

export function formatRef(ref: TemplateRef): string {
  return `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? ref.id}${ref.spec ? `@${ref.spec}` : ''}`
}
