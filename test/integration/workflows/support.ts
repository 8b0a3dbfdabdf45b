/**
 * A registry holding the catalog templates a workflow test needs (copied, so the store
 * imports only those) and the workflow runtime over it, on each backend the workflow
 * suites run on: SQLite with the in-process bus, and PostgreSQL with Redis (cache and
 * streams) when MAESTRO_TEST_POSTGRES_URL and MAESTRO_TEST_REDIS_URL are set.
 */
import {cpSync, mkdirSync, readdirSync, existsSync} from 'node:fs'
import {join} from 'node:path'

import {onTestFinished} from 'vitest'

import {loadConfig} from '../../../src/config.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {WorkflowRuntime} from '../../../src/workflows/runtime.js'
import type {RenderHost} from '../../../src/sandbox/host.js'
import {tempDir} from '../../helpers/temp.js'
import {POSTGRES_URL, createTestDatabase} from '../db/helpers.js'
import {REDIS_URL, testPrefix} from '../events/support.js'

export const ROOT = new URL('../../../', import.meta.url).pathname
export const CATALOG = join(ROOT, 'templates_storage')
export const BUNDLED_WORKFLOWS = join(ROOT, 'workflows_storage')

/** The catalog folder of a template, by name. */
export function templateDir(name: string): string {
  for (const category of readdirSync(CATALOG))
    if (existsSync(join(CATALOG, category, name))) return join(CATALOG, category, name)
  throw new Error(`no catalog template ${name}`)
}

/** A catalog of just these templates (and, optionally, bundled workflows), for a fresh store. */
export function catalogOf(templates: readonly string[], workflows: readonly string[] = []): string {
  const root = tempDir('maestro-wf-catalog-')
  const storage = join(root, 'templates_storage')
  for (const name of templates) {
    const src = templateDir(name)
    const category = src.split('/').at(-2)!
    mkdirSync(join(storage, category), {recursive: true})
    cpSync(src, join(storage, category, name), {recursive: true})
  }
  mkdirSync(storage, {recursive: true})
  for (const name of workflows)
    cpSync(join(BUNDLED_WORKFLOWS, name), join(root, 'workflows_storage', name), {recursive: true})
  return storage
}

export const LOCAL = {tenant: 'local', user: 'local', role: 'admin'} as const

/** Where a workflow suite's daemon or runtime keeps its rows and sends its events. */
export interface Backend {
  name: 'sqlite' | 'postgres+redis'
  /** False when its services are not configured: the suite is skipped (test/setup/services.ts says so). */
  enabled: boolean
  /**
   * DATABASE_URL, REDIS_URL and REDIS_KEY_PREFIX of a fresh database (a PostgreSQL schema
   * of its own) and key prefix, removed when the test ends. Call it inside a test, before
   * what uses it is opened, so it is removed after that is closed.
   */
  env(): Promise<Record<string, string>>
}

export const BACKENDS: readonly Backend[] = [
  {name: 'sqlite', enabled: true, env: async () => ({})},
  {
    name: 'postgres+redis',
    enabled: Boolean(POSTGRES_URL && REDIS_URL),
    env: async () => {
      const database = await createTestDatabase('postgres')
      onTestFinished(() => database.drop())
      return {DATABASE_URL: database.url, REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: testPrefix()}
    },
  },
]

export async function openRuntime(
  templates: readonly string[],
  workflows: readonly string[] = [],
  env: Record<string, string> = {},
  renderHost?: RenderHost,
) {
  const config = loadConfig({
    MAESTRO_HOME: tempDir('maestro-wf-home-'),
    TEMPLATES_STORAGE_PATH: catalogOf(templates, workflows),
    ENABLE_RBAC: 'false',
    ...env,
  })
  const registry: LocalRegistry = await openLocalRegistry({
    config,
    context: {...LOCAL},
    ...(renderHost ? {renderHost} : {}),
  })
  const runtime = new WorkflowRuntime({db: registry.shared.db, registry, host: registry.shared.host, config})
  onTestFinished(async () => {
    await runtime.stop()
    await registry.close()
  })
  return {config, registry, runtime}
}
