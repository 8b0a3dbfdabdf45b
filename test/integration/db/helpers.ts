import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {sql} from 'kysely'
import type {Kysely} from 'kysely'

import type {Manifest} from '../../../src/domain/types.js'
import {createDb} from '../../../src/db/database.js'
import {migrateToLatest} from '../../../src/db/migrate.js'
import type {Database} from '../../../src/db/schema.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import type {RecordVersionInput} from '../../../src/db/template-index.js'

/** Every dialect a database suite runs on: `for (const dialect of DIALECTS) describe.skipIf(…)`. */
export const DIALECTS = ['sqlite', 'postgres'] as const
export type TestDialect = (typeof DIALECTS)[number]

/** PostgreSQL server of the test run (see test/setup/services.ts); unset: its suites are skipped. */
export const POSTGRES_URL = process.env.MAESTRO_TEST_POSTGRES_URL

/** Whether the suites of `dialect` cannot run here. */
export function unavailable(dialect: TestDialect): boolean {
  return dialect === 'postgres' && !POSTGRES_URL
}

export interface TestDatabase {
  /** DATABASE_URL of the fresh database: a SQLite file, or a PostgreSQL schema of its own. */
  url: string
  /** Removes it (the directory, or the schema with everything in it). */
  drop(): Promise<void>
}

let schemas = 0

/**
 * An empty database of `dialect`, not migrated. On PostgreSQL a schema of its own
 * (`maestro_test_<pid>_<n>_<random>`, the search path of the URL), since other suites and
 * other people's tests use the same server at the same time.
 */
export async function createTestDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-db-'))
    return {
      url: `sqlite:${join(dir, 'index.db')}`,
      async drop() {
        rmSync(dir, {recursive: true, force: true})
      },
    }
  }
  if (!POSTGRES_URL) throw new Error('MAESTRO_TEST_POSTGRES_URL is not set')
  schemas += 1
  const schema = `maestro_test_${process.pid}_${schemas}_${randomBytes(3).toString('hex')}`
  const admin = createDb({url: POSTGRES_URL})
  try {
    await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin)
  } finally {
    await admin.destroy()
  }
  const url = new URL(POSTGRES_URL)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: url.toString(),
    async drop() {
      const db = createDb({url: POSTGRES_URL})
      try {
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
      } finally {
        await db.destroy()
      }
    },
  }
}

export interface TestDb {
  dialect: TestDialect
  url: string
  db: Kysely<Database>
  index: TemplateIndex
  /** A function, not a method: tests hand it to onTestFinished as it is. */
  close: () => Promise<void>
}

/** A migrated index of `dialect` in a fresh database (see `createTestDatabase`). */
export async function openTestDb(dialect: TestDialect = 'sqlite'): Promise<TestDb> {
  const database = await createTestDatabase(dialect)
  const db = createDb({url: database.url})
  try {
    await migrateToLatest(db)
  } catch (err) {
    await db.destroy()
    await database.drop()
    throw err
  }
  return {
    dialect,
    url: database.url,
    db,
    index: new TemplateIndex(db),
    close: async () => {
      await db.destroy()
      await database.drop()
    },
  }
}

/** The git blob id of `content`, as `git hash-object` computes it. */
export function gitOid(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex')
}

export function fileMap(files: Record<string, string | Uint8Array>): RecordVersionInput['files'] {
  return new Map(
    Object.entries(files).map(([path, value]) => {
      const content = typeof value === 'string' ? new TextEncoder().encode(value) : value
      return [path, {oid: gitOid(content), content}]
    }),
  )
}

export function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    name: 'fastapi-service',
    version: '1.0.0',
    description: 'Production-ready FastAPI service with health checks',
    category: 'backend_developer',
    author: 'Maestro Team',
    tags: ['python', 'fastapi', 'api'],
    dependencies: {},
    files: [],
    exclude: [],
    parameters: [],
    ...overrides,
  }
}

let commits = 0

/** A RecordVersionInput whose files follow from the manifest and README. */
export function version(
  overrides: Partial<Manifest> & {
    namespace?: string
    readme?: string
    extra?: Record<string, string | Uint8Array>
    qualityScore?: number | null
  } = {},
): RecordVersionInput {
  const {namespace = 'public', readme, extra = {}, qualityScore, ...rest} = overrides
  const m = manifest(rest)
  const text = readme ?? `# ${m.name}\n\n${m.description}\n`
  commits += 1
  return {
    namespace,
    manifest: m,
    readme: text,
    commit: createHash('sha1').update(`commit ${commits}`).digest('hex'),
    message: `publish ${m.name}@${m.version}`,
    author: 'Ada <ada@example.com>',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, commits)),
    files: fileMap({'manifest.yaml': JSON.stringify(m), 'README.md': text, ...extra}),
    qualityScore,
  }
}
