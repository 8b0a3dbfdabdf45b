/**
 * Authentication and tenancy: tenants, users, role grants, refresh tokens (rotating, in
 * families) and API tokens. Secrets are never stored: passwords as scrypt hashes, tokens
 * as sha256 hashes. Portable types only (text, integer), so it runs on SQLite and
 * PostgreSQL alike; timestamps are ISO-8601 text like the rest of the schema.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import type {Kysely} from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('role_grants')
    .addColumn('tenant', 'text', (c) => c.notNull().references('tenants.name').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('role_grants_pk', ['tenant', 'user_id'])
    .execute()
  await db.schema.createIndex('role_grants_user').on('role_grants').column('user_id').execute()

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text', (c) => c.notNull().references('tenants.name').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    // Set when the token is exchanged for a new pair: presenting it again is reuse.
    .addColumn('used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull().references('tenants.name').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // The first characters of the secret, shown in listings so a leaked token can be recognised.
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('api_tokens_tenant').on('api_tokens').column('tenant').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('api_tokens').execute()
  await db.schema.dropTable('refresh_tokens').execute()
  await db.schema.dropTable('role_grants').execute()
  await db.schema.dropTable('users').execute()
  await db.schema.dropTable('tenants').execute()
}
