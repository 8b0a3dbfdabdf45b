import {createHash} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Kysely} from 'kysely'

import type {Manifest} from '../../../src/domain/types.js'
import {createDb} from '../../../src/db/database.js'
import {migrateToLatest} from '../../../src/db/migrate.js'
import type {Database} from '../../../src/db/schema.js'
import {TemplateIndex} from '../../../src/db/template-index.js'
import type {RecordVersionInput} from '../../../src/db/template-index.js'

export interface TestDb {
  db: Kysely<Database>
  index: TemplateIndex
  path: string
  close(): Promise<void>
}

/** A migrated SQLite index in a fresh temporary directory. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-db-'))
  const path = join(dir, 'index.db')
  const db = createDb({url: `sqlite:${path}`})
  await migrateToLatest(db)
  return {
    db,
    index: new TemplateIndex(db),
    path,
    async close() {
      await db.destroy()
      rmSync(dir, {recursive: true, force: true})
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
