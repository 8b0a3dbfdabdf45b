/**
 * The messages on the streams and how they are written as Redis stream fields, which
 * are strings: scalars as they are (numbers in decimal), objects as JSON strings,
 * absent optional fields left out. Incoming requests are validated here; a malformed one
 * becomes an error result and a dead letter, never an exception in the consumer.
 *
 * Request (`...:requests`):
 *   request_id?  string, your correlation id (default: the stream entry id)
 *   template_id  string, the template: name, name@range, namespace/name or id (create: the new name)
 *   operation    retrieve | create | update | delete
 *   tenant_id    string, the tenant whose namespace is read and written
 *   user_id?     string, recorded as the commit author (default `events`)
 *   parameters?  JSON object: create/update {files, manifest?, message?}; retrieve {version?}
 *   timestamp?   ISO 8601 (without an offset: UTC), epoch seconds (may have a fraction) or epoch milliseconds
 *
 * The original service's clients send the same request as one JSON object in a `data`
 * field (`XADD ... data '{"template_id": ..., "parameters": {...}}'`): read as well.
 *
 * Result (`...:results`): request_id, template_id, status (success | error),
 * result (JSON, `null` on error), error (message, empty on success), error_code,
 * duration_ms, timestamp.
 */
import type {Fields} from './bus.js'

export const OPERATIONS = ['retrieve', 'create', 'update', 'delete', 'execute'] as const
export type Operation = (typeof OPERATIONS)[number]

export interface TemplateRequest {
  request_id: string
  template_id: string
  operation: Operation
  tenant_id: string
  user_id: string
  parameters: Record<string, unknown>
  timestamp: string
}

export interface TemplateResult {
  request_id: string
  template_id: string
  status: 'success' | 'error'
  result: unknown
  error: string | null
  error_code: string | null
  duration_ms: number
}

/**
 * `get`, `instantiate` and `search_hit` are uses of a template; `register` (a project made
 * elsewhere was registered) and `update` (a recorded project moved to a new version) are
 * what happens to the projects made from it. An instantiation the daemon recorded as a
 * project, a registration and an update carry `project_id`, `template` and `version`.
 */
export type UsageKind = 'get' | 'instantiate' | 'search_hit' | 'register' | 'update'

export interface UsageEvent {
  template_id: string
  namespace: string
  tenant_id: string
  kind: UsageKind
  /** The project (GET /projects) an instantiation made, or that was registered or updated. */
  project_id?: string
  /** Template name, with `version` on instantiations and project events. */
  template?: string
  /** The version rendered, or the version a project is now at. */
  version?: string
}

export interface ChangeEvent {
  template_id: string
  name: string
  namespace: string
  operation: 'create' | 'update' | 'delete'
  version: string | null
  commit: string
  user_id: string
}

/** Namespaces and tenants: the daemon's rule for them (see schemas.ts). */
const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/

/** A request that cannot be run: why, and the request id when it had a usable one. */
export class MalformedRequest extends Error {
  constructor(
    message: string,
    readonly requestId: string,
    readonly templateId: string,
  ) {
    super(message)
  }
}

/**
 * Reads a request from its stream fields, or throws {@link MalformedRequest} saying what is wrong.
 *
 * @example
 * ```ts
 * decodeRequest('1700000000000-0', {template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme'})
 * // {request_id: '1700000000000-0', operation: 'retrieve', user_id: 'events', parameters: {}, ...}
 * ```
 */
export function decodeRequest(entryId: string, entry: Fields): TemplateRequest {
  const fields = unwrapData(entryId, entry)
  const requestId =
    typeof fields.request_id === 'string' && fields.request_id !== '' ? fields.request_id : entryId
  const templateId = fields.template_id ?? ''
  const fail = (message: string): never => {
    throw new MalformedRequest(message, requestId.slice(0, 200), templateId.slice(0, 300))
  }
  if (requestId.length > 200) fail('request_id is longer than 200 characters')
  if (templateId === '' || templateId.length > 300) fail('template_id must be 1 to 300 characters')
  const operation = fields.operation as Operation
  if (!OPERATIONS.includes(operation)) {
    fail(`operation must be one of ${OPERATIONS.join(', ')}, got ${JSON.stringify(fields.operation ?? null)}`)
  }
  const tenant = fields.tenant_id ?? ''
  if (!TENANT.test(tenant)) fail(`tenant_id must match ${TENANT.source}, got ${JSON.stringify(tenant)}`)
  const user = fields.user_id || 'events'
  if (user.length > 200) fail('user_id is longer than 200 characters')
  let parameters: unknown = {}
  if (fields.parameters !== undefined && fields.parameters !== '') {
    try {
      parameters = JSON.parse(fields.parameters)
    } catch {
      fail('parameters must be a JSON object')
    }
  }
  if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
    fail('parameters must be a JSON object')
  }
  let timestamp = new Date().toISOString()
  if (fields.timestamp) {
    const parsed = parseTimestamp(fields.timestamp)
    if (parsed === undefined)
      fail(
        `timestamp must be ISO 8601 or epoch seconds or milliseconds, got ${JSON.stringify(fields.timestamp)}`,
      )
    timestamp = parsed!.toISOString()
  }
  return {
    request_id: requestId,
    template_id: templateId,
    operation,
    tenant_id: tenant,
    user_id: user,
    parameters: parameters as Record<string, unknown>,
    timestamp,
  }
}

/** Epoch values below this are seconds (10^11 s is the year 5138; 10^11 ms is 1973). */
const EPOCH_SECONDS_BELOW = 1e11

/**
 * A request's timestamp: ISO 8601 (an ISO date-time without an offset, as Python's
 * `datetime.utcnow().isoformat()` writes it, is UTC), epoch seconds with or without a
 * fraction (`time.time()`), or epoch milliseconds (`Date.now()`).
 *
 * @example
 * ```ts
 * parseTimestamp('1700000000')?.toISOString()                 // '2023-11-14T22:13:20.000Z'
 * parseTimestamp('2025-10-26T12:00:00.123456')?.toISOString() // '2025-10-26T12:00:00.123Z'
 * ```
 */
export function parseTimestamp(raw: string): Date | undefined {
  const text = raw.trim()
  let date: Date
  if (/^\d+(\.\d+)?$/.test(text)) {
    const n = Number(text)
    date = new Date(n < EPOCH_SECONDS_BELOW ? n * 1000 : n)
  } else {
    // Without Z or an offset, JavaScript would read local time: the original service meant UTC.
    const zoned = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${text}Z` : text
    date = new Date(zoned)
  }
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * The fields of a request sent the original service's way, as one JSON object in a
 * `data` field, flattened to the documented fields (`parameters` back to JSON text).
 * Entries with the fields themselves are returned as they are.
 */
function unwrapData(entryId: string, entry: Fields): Fields {
  if (entry.data === undefined || entry.operation !== undefined) return entry
  let parsed: unknown
  try {
    parsed = JSON.parse(entry.data)
  } catch {
    parsed = undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MalformedRequest('data must be a JSON object holding the request', entryId, '')
  }
  const fields: Fields = {}
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null || value === undefined) continue
    fields[key] = typeof value === 'string' ? value : JSON.stringify(value)
  }
  return fields
}

/**
 * @example
 * ```ts
 * encodeRequest({template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme'})
 * // {template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme', timestamp: '2026-...'}
 * ```
 */
export function encodeRequest(
  request: Pick<TemplateRequest, 'template_id' | 'operation' | 'tenant_id'> & Partial<TemplateRequest>,
): Fields {
  const fields: Fields = {
    template_id: request.template_id,
    operation: request.operation,
    tenant_id: request.tenant_id,
    timestamp: request.timestamp ?? new Date().toISOString(),
  }
  if (request.request_id) fields.request_id = request.request_id
  if (request.user_id) fields.user_id = request.user_id
  if (request.parameters) fields.parameters = JSON.stringify(request.parameters)
  return fields
}

export function encodeResult(result: TemplateResult): Fields {
  return {
    request_id: result.request_id,
    template_id: result.template_id,
    status: result.status,
    result: JSON.stringify(result.result ?? null),
    error: result.error ?? '',
    error_code: result.error_code ?? '',
    duration_ms: String(Math.round(result.duration_ms)),
    timestamp: new Date().toISOString(),
  }
}

/**
 * @example
 * ```ts
 * const [entry] = await bus.range(bus.streams.results, '-', '+', 1)
 * decodeResult(entry.fields).status // 'success'
 * ```
 */
export function decodeResult(fields: Fields): TemplateResult {
  return {
    request_id: fields.request_id ?? '',
    template_id: fields.template_id ?? '',
    status: fields.status === 'success' ? 'success' : 'error',
    result: fields.result ? (JSON.parse(fields.result) as unknown) : null,
    error: fields.error || null,
    error_code: fields.error_code || null,
    duration_ms: Number(fields.duration_ms ?? 0),
  }
}

export function encodeUsage(event: UsageEvent): Fields {
  return {...event, timestamp: new Date().toISOString()}
}

export function encodeChange(event: ChangeEvent): Fields {
  const {version, ...rest} = event
  return {...rest, ...(version ? {version} : {}), timestamp: new Date().toISOString()}
}
