/**
 * The request handler: runs the requests of `...:requests` against the registry and
 * writes their results to `...:results`, exactly once in effect per request id.
 *
 * Trust model: the request stream is an internal, trusted channel (whoever can XADD to
 * it can act as any tenant, like whoever holds the database password). `tenant_id`
 * decides the namespace: a request reads what that tenant reads (its namespace, then
 * `public`) and writes only to that tenant's namespace, with the editor role. The
 * public catalog and the store owner's `local` are never written through the stream
 * (`tenant_id: public` or `local` writes are refused with FORBIDDEN): changing them stays
 * an admin's act through the API or the CLI. Writes for a tenant that is not registered
 * are refused with UNKNOWN_TENANT: a request never creates a tenant's repository.
 *
 * Idempotency (create, update, delete; a retrieve has no effect and is simply run again):
 * after the effect, the result is recorded under
 * `<prefix>events:processed:<tenant_id>:<request_id>` (SET NX, kept `resultTtlMs`), then written to
 * the results stream, then the entry is acknowledged. A redelivered request finds the
 * record and re-sends the recorded result (only if it was not written yet) instead of
 * repeating the effect. Two consumers racing on one request (one claimed it from the
 * other, still alive) may both run it; the first record wins and both answer with it.
 */
import type {Logger} from 'pino'

import {ForbiddenError} from '../auth/errors.js'
import {OWNER_TENANT, RESERVED_TENANTS} from '../auth/policy.js'
import {formatRef, parseRef} from '../domain/ref.js'
import type {WireFiles} from '../domain/wire.js'
import {MaestroError, UsageError, isMaestroError} from '../domain/errors.js'
import {ownRecord} from '../domain/records.js'
import type {Registry, RequestContext} from '../domain/registry.js'
import type {Answers} from '../domain/types.js'
import type {Limits} from '../config.js'
import {DEFAULT_LIMITS} from '../config.js'
import type {EventBus} from './bus.js'
import type {Delivered, StreamConsumerOptions} from './consumer.js'
import {writeDeadLetter} from './consumer.js'
import type {TemplateRequest, TemplateResult} from './messages.js'
import {MalformedRequest, decodeRequest, encodeResult} from './messages.js'

/** The registry the handler runs requests on, seen as each request's tenant. */
export interface TenantRegistries {
  withContext(context: RequestContext): Registry
  /** Whether `name` is a registered tenant: writes go to those only. */
  isRegisteredTenant(name: string): Promise<boolean>
}

/**
 * What runs the `execute` operation: the daemon's workflow runtime (src/workflows/runtime.ts),
 * passed in so the events layer does not depend on it.
 */
export interface WorkflowExecutor {
  execute(
    context: RequestContext,
    ref: string,
    options: {answers?: Answers; useDefaults?: boolean; idempotencyKey?: string},
  ): Promise<{execution: {id: string}; created: boolean}>
}

/**
 * Refuses a write for a tenant that is reserved (`public`, `local`: the stream never
 * writes them) or not registered (a typo must not create a repository of its own).
 */
async function assertWritableTenant(registries: TenantRegistries, tenant: string): Promise<void> {
  if (RESERVED_TENANTS.includes(tenant))
    throw new ForbiddenError(
      `tenant_id ${JSON.stringify(tenant)} is reserved (${tenant === OWNER_TENANT ? "the store owner's namespace" : 'the public catalog'}): the request stream never writes to it`,
      {tenant},
    )
  if (!(await registries.isRegisteredTenant(tenant)))
    throw new MaestroError(
      `tenant_id ${JSON.stringify(tenant)} is not a registered tenant: create it first (\`maestro-tpl tenant create ${tenant}\` or POST /api/v1/admin/tenants)`,
      {code: 'UNKNOWN_TENANT', status: 404, data: {tenant}},
    )
}

/**
 * Runs one request as its tenant and returns the value of its result.
 *
 * @example
 * ```ts
 * await executeRequest(registry, {template_id: 'fastapi-service', operation: 'retrieve', tenant_id: 'acme', ...})
 * ```
 */
export async function executeRequest(
  registries: TenantRegistries,
  request: TemplateRequest,
  limits: Limits = DEFAULT_LIMITS,
  workflows?: WorkflowExecutor,
): Promise<unknown> {
  const registry = registries.withContext({tenant: request.tenant_id, user: request.user_id, role: 'editor'})
  const params = request.parameters
  if (request.operation !== 'retrieve' && request.operation !== 'execute')
    await assertWritableTenant(registries, request.tenant_id)
  // Executions are the tenant's: never the public catalog's, never a tenant that does not exist.
  if (request.operation === 'execute' && request.tenant_id !== OWNER_TENANT)
    await assertWritableTenant(registries, request.tenant_id)
  switch (request.operation) {
    case 'retrieve': {
      const version = params.version
      if (version !== undefined && (typeof version !== 'string' || version === '')) {
        throw new UsageError('parameters.version must be a non-empty string')
      }
      return registry.get(version ? `${request.template_id}@${version}` : request.template_id)
    }
    case 'create':
    case 'update': {
      // Loaded for writes only: every CLI command opens a bus, and these pull in the
      // manifest schema (ajv, yaml) and the upload code.
      const [{parseTemplate}, {uploadedFiles}] = await Promise.all([
        import('../domain/template.js'),
        import('../archive/upload.js'),
      ])
      const template = parseTemplate(uploadedFiles(uploadOf(params), limits), `request ${request.request_id}`)
      const message = typeof params.message === 'string' && params.message !== '' ? params.message : undefined
      const ref = parseRef(request.template_id)
      if (request.operation === 'update') {
        // The version a template_id may carry is not the one being published.
        const {spec: _version, ...unversioned} = ref
        return registry.update(formatRef(unversioned), {
          template,
          namespace: request.tenant_id,
          ...(message ? {message} : {}),
        })
      }
      if (template.manifest.name !== ref.name) {
        throw new UsageError(
          `the manifest names ${JSON.stringify(template.manifest.name)} but template_id is ${JSON.stringify(request.template_id)}`,
        )
      }
      return registry.publish({template, namespace: request.tenant_id, ...(message ? {message} : {})})
    }
    case 'delete':
      return registry.delete(request.template_id)
    case 'execute': {
      // template_id names the workflow; the request id is the execution's idempotency key,
      // so a redelivered request answers the execution it made instead of making another.
      if (!workflows)
        throw new MaestroError('this consumer runs without workflows, so execute is not available', {
          code: 'NOT_IMPLEMENTED',
          status: 501,
        })
      const answers = params.parameters ?? {}
      if (typeof answers !== 'object' || answers === null || Array.isArray(answers))
        throw new UsageError('parameters.parameters must be an object of answers')
      const {execution, created} = await workflows.execute(
        {tenant: request.tenant_id, user: request.user_id, role: 'editor'},
        request.template_id,
        {
          answers: answers as Answers,
          useDefaults: params.defaults !== false,
          idempotencyKey: `stream:${request.request_id}`,
        },
      )
      return {execution, created, url: `/api/v1/executions/${execution.id}`}
    }
  }
}

/** `parameters` of create/update: `{files: {path: text | {content, encoding}}, manifest?}`. */
function uploadOf(params: Record<string, unknown>): {files: WireFiles; manifest?: Record<string, unknown>} {
  const files = params.files
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new UsageError('parameters.files must be an object of path → content')
  }
  const wire: WireFiles = ownRecord()
  for (const [path, file] of Object.entries(files as Record<string, unknown>)) {
    if (typeof file === 'string') wire[path] = {content: file, encoding: 'utf8'}
    else if (
      typeof file === 'object' &&
      file !== null &&
      typeof (file as {content?: unknown}).content === 'string' &&
      [undefined, 'utf8', 'base64'].includes((file as {encoding?: string}).encoding)
    )
      wire[path] = {encoding: 'utf8', ...(file as Partial<WireFiles[string]>)} as WireFiles[string]
    else throw new UsageError(`parameters.files[${JSON.stringify(path)}] must be text or {content, encoding}`)
  }
  const manifest = params.manifest
  if (
    manifest !== undefined &&
    (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
  ) {
    throw new UsageError('parameters.manifest must be an object')
  }
  return {files: wire, ...(manifest ? {manifest: manifest as Record<string, unknown>} : {})}
}

export interface RequestProcessorOptions {
  registry: TenantRegistries
  bus: EventBus
  /** Where dead letters say they came from. */
  group: string
  consumer: string
  limits?: Limits
  /** How long a processed request id (and its result) is remembered (default 24 h). */
  resultTtlMs?: number
  logger?: Logger | undefined
  /** Runs `execute` requests (the daemon's workflow runtime); without it they answer NOT_IMPLEMENTED. */
  workflows?: WorkflowExecutor
}

interface ProcessedRecord {
  result: TemplateResult
  /** Id of the result's entry on the results stream, once written. */
  result_id?: string
}

/**
 * The `handle` and `onDeadLetter` of the request stream's consumer.
 *
 * @example
 * ```ts
 * const consumer = new StreamConsumer({bus, stream: bus.streams.requests, group, consumer: name,
 *   maxDeliveries: 5, claimIdleMs: 60_000, ...requestProcessor({registry, bus, group, consumer: name})})
 * ```
 */
export function requestProcessor(
  options: RequestProcessorOptions,
): Pick<StreamConsumerOptions, 'handle' | 'onDeadLetter'> {
  const {bus, registry} = options
  const ttlMs = options.resultTtlMs ?? 24 * 3600_000
  // Scoped by tenant: a request id is the producer's choice, and one tenant's id must
  // neither replay another tenant's result nor suppress its own effect.
  const recordKey = (request: Pick<TemplateRequest, 'tenant_id' | 'request_id'>) =>
    `${bus.keyPrefix}events:processed:${request.tenant_id}:${request.request_id}`

  const send = async (record: ProcessedRecord, key: string): Promise<void> => {
    if (record.result_id) return
    const id = await bus.add(bus.streams.results, encodeResult(record.result))
    await bus.set(key, JSON.stringify({...record, result_id: id}), ttlMs)
  }

  const handleOne = async (entry: Delivered): Promise<void> => {
    let request: TemplateRequest
    try {
      request = decodeRequest(entry.id, entry.fields)
    } catch (err) {
      if (!(err instanceof MalformedRequest)) throw err
      // Retrying cannot fix a malformed request: answer it and set it aside at once.
      await bus.add(
        bus.streams.results,
        encodeResult(errorResult(err.requestId, err.templateId, err, 0, 'MALFORMED_REQUEST')),
      )
      await writeDeadLetter(
        bus,
        {stream: bus.streams.requests, group: options.group, consumer: options.consumer},
        entry,
        `malformed: ${err.message}`,
      )
      options.logger?.warn({id: entry.id, reason: err.message}, 'events: malformed request')
      return
    }
    // Reads have no effect to protect: run again if redelivered, and remember nothing.
    const writes = request.operation !== 'retrieve'
    const key = recordKey(request)
    const previous = writes ? await recall(key) : undefined
    if (previous) return send(previous, key)

    const started = performance.now()
    let result: TemplateResult
    try {
      const value = await executeRequest(registry, request, options.limits, options.workflows)
      result = {
        request_id: request.request_id,
        template_id: request.template_id,
        status: 'success',
        result: value,
        error: null,
        error_code: null,
        duration_ms: performance.now() - started,
      }
    } catch (err) {
      // A domain error is the answer (the same request would fail the same way); anything else is retried.
      if (!isMaestroError(err)) throw err
      result = errorResult(request.request_id, request.template_id, err, performance.now() - started)
    }
    if (!writes) {
      await bus.add(bus.streams.results, encodeResult(result))
      return
    }
    const record: ProcessedRecord = {result: JSON.parse(JSON.stringify(result)) as TemplateResult}
    const existing = await bus.setIfAbsent(key, JSON.stringify(record), ttlMs)
    await send(existing ? (JSON.parse(existing) as ProcessedRecord) : record, key)
  }

  const recall = async (key: string): Promise<ProcessedRecord | undefined> => {
    const raw = await bus.get(key)
    return raw ? (JSON.parse(raw) as ProcessedRecord) : undefined
  }

  return {
    async handle(batch) {
      for (const entry of batch) await handleOne(entry)
    },
    async onDeadLetter(entry: Delivered, reason: string) {
      // Whoever waits for this request's result learns it was given up on.
      let request: Pick<TemplateRequest, 'request_id' | 'template_id'>
      try {
        request = decodeRequest(entry.id, entry.fields)
      } catch {
        request = {
          request_id: entry.fields.request_id || entry.id,
          template_id: entry.fields.template_id ?? '',
        }
      }
      const error = new MaestroError(`request given up on: ${reason}`, {code: 'DEAD_LETTERED', status: 500})
      await bus.add(
        bus.streams.results,
        encodeResult(errorResult(request.request_id, request.template_id, error, 0)),
      )
    },
  }
}

function errorResult(
  requestId: string,
  templateId: string,
  err: Error,
  durationMs: number,
  code?: string,
): TemplateResult {
  return {
    request_id: requestId,
    template_id: templateId,
    status: 'error',
    result: null,
    error: err.message,
    error_code: code ?? (err as MaestroError).code ?? 'ERROR',
    duration_ms: durationMs,
  }
}
