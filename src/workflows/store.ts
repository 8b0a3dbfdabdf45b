/**
 * Executions in the index database (both dialects): the rows of
 * migrations/2026_12_07_0002_workflows.ts. Every read takes the tenant; the runner, which
 * acts for whoever queued an execution, reads by id through {@link ExecutionStore.load}.
 */
import {randomUUID} from 'node:crypto'
import {gunzipSync, gzipSync} from 'node:zlib'

import type {Kysely} from 'kysely'

import type {GitSnapshot} from './actions.js'
import type {StepChanges, StepResult} from './engine.js'
import type {
  ActionName,
  ExecutionEvent,
  ExecutionRecord,
  ExecutionState,
  LogLine,
  StepDefinition,
  StepRecord,
  StepState,
  WorkflowAnswers,
} from './types.js'

interface ExecutionsTable {
  id: string
  tenant: string
  workflow_id: string
  workflow: string
  version: string
  workflow_namespace: string
  state: string
  parameters: string
  sealed_secrets: string | null
  outputs: string | null
  error: string | null
  created_by: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  updated_at: string
  cancel_requested: number
  idempotency_key: string | null
  lease_owner: string | null
  lease_expires_at: string | null
  event_seq: number
  result_files: number | null
  result_bytes: number | null
  result_expires_at: string | null
}

interface StepsTable {
  execution_id: string
  position: number
  id: string
  name: string
  uses: string
  state: string
  attempts: number
  started_at: string | null
  finished_at: string | null
  outputs: string | null
  error: string | null
  logs: string
  changes: Uint8Array | null
}

interface EventsTable {
  execution_id: string
  seq: number
  type: string
  data: string
  at: string
}

interface ResultsTable {
  execution_id: string
  content: Uint8Array
  created_at: string
  expires_at: string
}

export interface WorkflowTables {
  workflow_executions: ExecutionsTable
  workflow_steps: StepsTable
  workflow_events: EventsTable
  workflow_results: ResultsTable
}

const json = (v: unknown): string => JSON.stringify(v)
const parse = <T>(v: string | null): T | null => (v === null ? null : (JSON.parse(v) as T))

type FileList = [string, string][]
const encodeFiles = (files: Iterable<[string, Uint8Array]>): FileList =>
  [...files].map(([p, b]) => [p, Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64')])
const decodeFiles = (list: FileList): [string, Uint8Array][] =>
  list.map(([p, b]) => [p, new Uint8Array(Buffer.from(b, 'base64'))])

/** Step changes as stored: gzipped JSON. */
export function packChanges(changes: StepChanges): Uint8Array {
  return gzipSync(
    json({
      written: encodeFiles(changes.written),
      deleted: changes.deleted,
      git: changes.git
        ? {commit: changes.git.commit, branch: changes.git.branch, files: encodeFiles(changes.git.files)}
        : null,
    }),
  )
}

export function unpackChanges(bytes: Uint8Array): StepChanges {
  const raw = JSON.parse(gunzipSync(bytes).toString('utf8')) as {
    written: FileList
    deleted: string[]
    git: {commit: string; branch: string; files: FileList} | null
  }
  const git: GitSnapshot | null = raw.git
    ? {commit: raw.git.commit, branch: raw.git.branch, files: new Map(decodeFiles(raw.git.files))}
    : null
  return {written: decodeFiles(raw.written), deleted: raw.deleted, git}
}

export interface NewExecution {
  tenant: string
  workflowId: string
  workflow: string
  version: string
  namespace: string
  parameters: WorkflowAnswers
  sealedSecrets: string | null
  createdBy: string
  idempotencyKey?: string | undefined
  steps: readonly StepDefinition[]
}

/** What the runner needs of an execution besides its record. */
export interface ExecutionInternals {
  record: ExecutionRecord
  sealedSecrets: string | null
  namespace: string
  changes: Map<string, StepChanges>
}

export class ExecutionStore {
  readonly #db: Kysely<WorkflowTables>

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry's Kysely<Database>; these tables are typed here
  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<WorkflowTables>
  }

  /**
   * Records a queued execution; with an idempotency key already used by the tenant,
   * answers that execution instead (`created: false`).
   */
  async create(input: NewExecution): Promise<{id: string; created: boolean}> {
    if (input.idempotencyKey !== undefined) {
      const existing = await this.#byKey(input.tenant, input.idempotencyKey)
      if (existing) return {id: existing, created: false}
    }
    const id = randomUUID()
    const now = new Date().toISOString()
    try {
      await this.#db.transaction().execute(async (trx) => {
        await trx
          .insertInto('workflow_executions')
          .values({
            id,
            tenant: input.tenant,
            workflow_id: input.workflowId,
            workflow: input.workflow,
            version: input.version,
            workflow_namespace: input.namespace,
            state: 'queued',
            parameters: json(input.parameters),
            sealed_secrets: input.sealedSecrets,
            outputs: null,
            error: null,
            created_by: input.createdBy,
            created_at: now,
            started_at: null,
            finished_at: null,
            updated_at: now,
            cancel_requested: 0,
            idempotency_key: input.idempotencyKey ?? null,
            lease_owner: null,
            lease_expires_at: null,
            event_seq: 0,
            result_files: null,
            result_bytes: null,
            result_expires_at: null,
          })
          .execute()
        await trx
          .insertInto('workflow_steps')
          .values(
            input.steps.map((s, position) => ({
              execution_id: id,
              position,
              id: s.id,
              name: s.name ?? s.id,
              uses: s.uses,
              state: 'pending',
              attempts: 0,
              started_at: null,
              finished_at: null,
              outputs: null,
              error: null,
              logs: '[]',
              changes: null,
            })),
          )
          .execute()
      })
    } catch (err) {
      // Two requests with one key at once: the unique index lets one through.
      if (input.idempotencyKey !== undefined) {
        const existing = await this.#byKey(input.tenant, input.idempotencyKey)
        if (existing) return {id: existing, created: false}
      }
      throw err
    }
    return {id, created: true}
  }

  async #byKey(tenant: string, key: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('workflow_executions')
      .select('id')
      .where('tenant', '=', tenant)
      .where('idempotency_key', '=', key)
      .executeTakeFirst()
    return row?.id
  }

  /** An execution of `tenant`, or undefined (another tenant's is undefined too). */
  async get(tenant: string, id: string): Promise<ExecutionRecord | undefined> {
    const row = await this.#db
      .selectFrom('workflow_executions')
      .selectAll()
      .where('id', '=', id)
      .where('tenant', '=', tenant)
      .executeTakeFirst()
    if (!row) return undefined
    return this.#record(row, await this.#steps(id))
  }

  /** For the runner: the execution whoever its tenant, with its sealed secrets and step changes. */
  async load(id: string): Promise<ExecutionInternals | undefined> {
    const row = await this.#db
      .selectFrom('workflow_executions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return undefined
    const steps = await this.#db
      .selectFrom('workflow_steps')
      .selectAll()
      .where('execution_id', '=', id)
      .orderBy('position')
      .execute()
    const changes = new Map<string, StepChanges>()
    for (const s of steps) if (s.changes) changes.set(s.id, unpackChanges(s.changes))
    return {
      record: this.#record(row, steps.map(stepRecord)),
      sealedSecrets: row.sealed_secrets,
      namespace: row.workflow_namespace,
      changes,
    }
  }

  async list(tenant: string, opts: {limit: number; offset: number; workflow?: string | undefined}) {
    let q = this.#db.selectFrom('workflow_executions').where('tenant', '=', tenant)
    if (opts.workflow !== undefined) q = q.where('workflow', '=', opts.workflow)
    const [{n}] = [await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()]
    const rows = await q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute()
    return {items: rows.map((r) => this.#record(r, [])).map(({steps: _s, ...rest}) => rest), total: Number(n)}
  }

  async #steps(id: string): Promise<StepRecord[]> {
    const rows = await this.#db
      .selectFrom('workflow_steps')
      .select([
        'id',
        'name',
        'uses',
        'state',
        'attempts',
        'started_at',
        'finished_at',
        'outputs',
        'error',
        'logs',
        'position',
        'execution_id',
      ])
      .where('execution_id', '=', id)
      .orderBy('position')
      .execute()
    return rows.map((r) => stepRecord({...r, changes: null}))
  }

  #record(row: ExecutionsTable, steps: StepRecord[]): ExecutionRecord {
    return {
      id: row.id,
      tenant: row.tenant,
      workflow_id: row.workflow_id,
      workflow: row.workflow,
      version: row.version,
      state: row.state as ExecutionState,
      parameters: JSON.parse(row.parameters) as WorkflowAnswers,
      outputs: parse(row.outputs),
      error: parse(row.error),
      created_by: row.created_by,
      created_at: row.created_at,
      started_at: row.started_at,
      finished_at: row.finished_at,
      cancel_requested: Number(row.cancel_requested) === 1,
      result:
        row.result_files === null || row.result_expires_at === null
          ? null
          : {
              files: Number(row.result_files),
              bytes: Number(row.result_bytes),
              expires_at: row.result_expires_at,
            },
      steps,
    }
  }

  /**
   * Takes (or renews) the lease on an execution that still has work: only one runner
   * works on an execution; a lease not renewed in `ttlMs` (its daemon died) may be taken over.
   */
  async lease(id: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = new Date()
    const result = await this.#db
      .updateTable('workflow_executions')
      .set({lease_owner: owner, lease_expires_at: new Date(now.getTime() + ttlMs).toISOString()})
      .where('id', '=', id)
      .where('state', 'in', ['queued', 'running'])
      .where((eb) =>
        eb.or([
          eb('lease_owner', 'is', null),
          eb('lease_owner', '=', owner),
          eb('lease_expires_at', '<', now.toISOString()),
        ]),
      )
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.#db
      .updateTable('workflow_executions')
      .set({lease_owner: null, lease_expires_at: null})
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute()
  }

  async setState(
    id: string,
    state: ExecutionState,
    extra: {outputs?: unknown; error?: unknown; clearSecrets?: boolean} = {},
  ): Promise<void> {
    const now = new Date().toISOString()
    const final = state === 'succeeded' || state === 'failed' || state === 'cancelled'
    await this.#db
      .updateTable('workflow_executions')
      .set({
        state,
        updated_at: now,
        ...(state === 'running' ? {started_at: now} : {}),
        ...(final ? {finished_at: now} : {}),
        ...(extra.outputs !== undefined ? {outputs: json(extra.outputs)} : {}),
        ...(extra.error !== undefined ? {error: extra.error === null ? null : json(extra.error)} : {}),
        ...(extra.clearSecrets ? {sealed_secrets: null} : {}),
      })
      .where('id', '=', id)
      .execute()
  }

  async stepStarted(id: string, position: number): Promise<void> {
    await this.#db
      .updateTable('workflow_steps')
      .set((eb) => ({
        state: 'running',
        started_at: new Date().toISOString(),
        finished_at: null,
        attempts: eb('attempts', '+', 1),
        error: null,
      }))
      .where('execution_id', '=', id)
      .where('position', '=', position)
      .execute()
  }

  /** Records a finished step; `changes` must already be redacted. */
  async stepFinished(
    id: string,
    position: number,
    result: StepResult,
    changes: StepChanges | null,
  ): Promise<void> {
    await this.#db
      .updateTable('workflow_steps')
      .set({
        state: result.state,
        finished_at: new Date().toISOString(),
        outputs: result.outputs === null ? null : json(result.outputs),
        error: result.error === null ? null : json(result.error),
        logs: json(result.logs),
        changes: changes ? packChanges(changes) : null,
      })
      .where('execution_id', '=', id)
      .where('position', '=', position)
      .execute()
  }

  async requestCancel(tenant: string, id: string): Promise<boolean> {
    const r = await this.#db
      .updateTable('workflow_executions')
      .set({cancel_requested: 1, updated_at: new Date().toISOString()})
      .where('id', '=', id)
      .where('tenant', '=', tenant)
      .where('state', 'in', ['queued', 'running'])
      .executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  async cancelRequested(id: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('workflow_executions')
      .select('cancel_requested')
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(row?.cancel_requested ?? 0) === 1
  }

  /** Back to queued from the failed step: finished steps stay, the failed one and those after it are pending again. */
  async resetForRetry(tenant: string, id: string, sealedSecrets?: string | null): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const r = await trx
        .updateTable('workflow_executions')
        .set({
          state: 'queued',
          error: null,
          outputs: null,
          finished_at: null,
          cancel_requested: 0,
          lease_owner: null,
          lease_expires_at: null,
          updated_at: new Date().toISOString(),
          ...(sealedSecrets !== undefined ? {sealed_secrets: sealedSecrets} : {}),
        })
        .where('id', '=', id)
        .where('tenant', '=', tenant)
        .where('state', 'in', ['failed', 'cancelled'])
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) return false
      await trx
        .updateTable('workflow_steps')
        .set({state: 'pending', error: null, outputs: null, changes: null, finished_at: null})
        .where('execution_id', '=', id)
        .where('state', 'in', ['failed', 'running', 'pending'])
        .execute()
      return true
    })
  }

  /** Appends an event; answers it with its sequence number. */
  async appendEvent(
    id: string,
    type: ExecutionEvent['type'],
    data: Record<string, unknown>,
  ): Promise<ExecutionEvent> {
    const at = new Date().toISOString()
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('workflow_executions')
        .set((eb) => ({event_seq: eb('event_seq', '+', 1)}))
        .where('id', '=', id)
        .execute()
      const {event_seq: seq} = await trx
        .selectFrom('workflow_executions')
        .select('event_seq')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('workflow_events')
        .values({execution_id: id, seq: Number(seq), type, data: json(data), at})
        .execute()
      return {seq: Number(seq), type, data, at}
    })
  }

  async events(id: string, after: number, limit = 500): Promise<ExecutionEvent[]> {
    const rows = await this.#db
      .selectFrom('workflow_events')
      .selectAll()
      .where('execution_id', '=', id)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit)
      .execute()
    return rows.map((r) => ({
      seq: Number(r.seq),
      type: r.type as ExecutionEvent['type'],
      data: JSON.parse(r.data) as Record<string, unknown>,
      at: r.at,
    }))
  }

  async saveResult(
    id: string,
    content: Uint8Array,
    files: number,
    bytes: number,
    expiresAt: string,
  ): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx.deleteFrom('workflow_results').where('execution_id', '=', id).execute()
      await trx
        .insertInto('workflow_results')
        .values({execution_id: id, content, created_at: new Date().toISOString(), expires_at: expiresAt})
        .execute()
      await trx
        .updateTable('workflow_executions')
        .set({result_files: files, result_bytes: bytes, result_expires_at: expiresAt})
        .where('id', '=', id)
        .execute()
    })
  }

  async result(tenant: string, id: string): Promise<Uint8Array | undefined> {
    const row = await this.#db
      .selectFrom('workflow_results')
      .innerJoin('workflow_executions', 'workflow_executions.id', 'workflow_results.execution_id')
      .select(['workflow_results.content', 'workflow_results.expires_at'])
      .where('workflow_results.execution_id', '=', id)
      .where('workflow_executions.tenant', '=', tenant)
      .executeTakeFirst()
    if (!row || row.expires_at < new Date().toISOString()) return undefined
    return row.content instanceof Uint8Array ? row.content : new Uint8Array(row.content)
  }

  /** Removes results past their time, and executions (with steps and events) finished before `before`. */
  async purge(now: Date, executionsBefore: Date): Promise<{results: number; executions: number}> {
    const expired = await this.#db
      .deleteFrom('workflow_results')
      .where('expires_at', '<', now.toISOString())
      .executeTakeFirst()
    await this.#db
      .updateTable('workflow_executions')
      .set({result_files: null, result_bytes: null, result_expires_at: null})
      .where('result_expires_at', '<', now.toISOString())
      .execute()
    const old = await this.#db
      .selectFrom('workflow_executions')
      .select('id')
      .where('finished_at', '<', executionsBefore.toISOString())
      .execute()
    for (const {id} of old) {
      await this.#db.deleteFrom('workflow_events').where('execution_id', '=', id).execute()
      await this.#db.deleteFrom('workflow_steps').where('execution_id', '=', id).execute()
      await this.#db.deleteFrom('workflow_results').where('execution_id', '=', id).execute()
      await this.#db.deleteFrom('workflow_executions').where('id', '=', id).execute()
    }
    return {results: Number(expired.numDeletedRows), executions: old.length}
  }
}

function stepRecord(r: StepsTable): StepRecord {
  return {
    id: r.id,
    name: r.name,
    uses: r.uses as ActionName,
    state: r.state as StepState,
    attempts: Number(r.attempts),
    started_at: r.started_at,
    finished_at: r.finished_at,
    outputs: parse(r.outputs),
    error: parse(r.error),
    logs: JSON.parse(r.logs) as LogLine[],
  }
}
