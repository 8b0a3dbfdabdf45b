/**
 * Workflow executions: one row per execution, one per step (state, attempts, timings,
 * outputs, log lines and the changes it made to the result, so a resumed execution never
 * runs a finished step again), the events served over server-sent events, and the stored
 * results (kept for a configured time and size). Secrets are never stored in the clear:
 * `sealed_secrets` is AES-GCM under SECRET_KEY, cleared when the execution ends well.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import type {Kysely} from 'kysely'

import {dialectOf} from '../database.js'

export async function up(db: Kysely<any>): Promise<void> {
  const binary = dialectOf(db) === 'postgres' ? 'bytea' : 'blob'
  await db.schema
    .createTable('workflow_executions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('workflow_id', 'text', (c) => c.notNull())
    .addColumn('workflow', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('workflow_namespace', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('parameters', 'text', (c) => c.notNull())
    .addColumn('sealed_secrets', 'text')
    .addColumn('outputs', 'text')
    .addColumn('error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('idempotency_key', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('result_files', 'integer')
    .addColumn('result_bytes', 'integer')
    .addColumn('result_expires_at', 'text')
    .execute()
  await db.schema
    .createIndex('workflow_executions_idempotency')
    .on('workflow_executions')
    .columns(['tenant', 'idempotency_key'])
    .unique()
    .execute()
  await db.schema
    .createIndex('workflow_executions_tenant_created')
    .on('workflow_executions')
    .columns(['tenant', 'created_at'])
    .execute()

  await db.schema
    .createTable('workflow_steps')
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('workflow_executions.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uses', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('outputs', 'text')
    .addColumn('error', 'text')
    .addColumn('logs', 'text', (c) => c.notNull())
    .addColumn('changes', binary)
    .addPrimaryKeyConstraint('workflow_steps_pk', ['execution_id', 'position'])
    .execute()

  await db.schema
    .createTable('workflow_events')
    .addColumn('execution_id', 'text', (c) =>
      c.notNull().references('workflow_executions.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workflow_events_pk', ['execution_id', 'seq'])
    .execute()

  await db.schema
    .createTable('workflow_results')
    .addColumn('execution_id', 'text', (c) =>
      c.primaryKey().references('workflow_executions.id').onDelete('cascade'),
    )
    .addColumn('content', binary, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workflow_results').execute()
  await db.schema.dropTable('workflow_events').execute()
  await db.schema.dropTable('workflow_steps').execute()
  await db.schema.dropTable('workflow_executions').execute()
}
