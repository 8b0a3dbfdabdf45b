/**
 * The SDK as a user gets it: `npm pack` of packages/client, installed from that tarball
 * alone (offline: it has no dependency to fetch) into a fresh project, which then holds
 * exactly one package. A strict TypeScript program type-checks against the installed
 * declarations and runs against a daemon started from the built CLI: it publishes from
 * a folder and from a file map, searches, reads, renders to JSON and to an archive, and
 * catches a typed NotFoundError; categories and admin stats are typed (a category not in
 * the list does not compile). Runs after `npm run build`, which builds the SDK too.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {exited, startDaemon} from '../helpers/daemon.js'
import {writeTemplate} from '../helpers/temp.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/** Runs a command; its failure shows what the command printed. */
function run(cmd: string, args: string[], opts: {cwd: string; env?: NodeJS.ProcessEnv}): string {
  try {
    return execFileSync(cmd, args, {...opts, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  } catch (err) {
    const {stdout, stderr} = err as {stdout?: string; stderr?: string}
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, {cause: err})
  }
}

/** The user's program: strict TypeScript against nothing but the installed SDK. */
const PROGRAM = `
import {writeFile} from 'node:fs/promises'

import {AuthenticationError, CATEGORIES, ForbiddenError, MaestroError, NotFoundError, RemoteRegistry, TemplateClient} from '@maestro-tpl/client'
import type {AdminStats, Category, PublishResult, SearchResult, TemplateDetail} from '@maestro-tpl/client'

// Checked by the compiler only (never called): categories come from the list, stats are typed.
export function typeChecks(client: TemplateClient, stats: AdminStats): number {
  const category: Category = 'backend_developer'
  void client.search({category})
  // @ts-expect-error a category that is not in the list
  void client.search({category: 'backend'})
  // @ts-expect-error stats are typed: no such figure
  void stats.no_such_figure
  const unauthenticated: MaestroError = new AuthenticationError('no token')
  const forbidden: MaestroError = new ForbiddenError('viewers cannot')
  return stats.templates + stats.cache.hits + (stats.categories?.backend_developer ?? 0) + unauthenticated.status + forbidden.status
}

const baseUrl = process.env.MAESTRO_URL ?? ''
const folder = process.env.TEMPLATE_DIR ?? ''
const client = new TemplateClient({baseUrl, timeoutMs: 30_000})

const health = await client.health()
const fromFolder: PublishResult = await client.create(folder)
// The same template under another name, sent as an object of path → text.
const {files} = await client.files(fromFolder.template.name)
const renamed: Record<string, string> = {}
for (const [path, bytes] of files) renamed[path] = new TextDecoder().decode(bytes).replaceAll('sdk-from-folder', 'sdk-from-map')
const fromMap: PublishResult = await client.create(renamed)
const found: SearchResult = await client.search({text: 'sdk', limit: 10})
const detail: TemplateDetail = await client.get(fromFolder.template.name)
const versions = await client.versions(fromFolder.template.name)
const stats: AdminStats = await client.stats()
const categorised = await client.search({category: CATEGORIES[1]})
const project = await client.instantiate(fromFolder.template.name, {answers: {project_name: 'billing'}})
const archive = await client.instantiate(fromFolder.template.name, {format: 'tar.gz', root: 'billing'})
await writeFile('billing.tar.gz', archive.archive)

let missing = 'not thrown'
try {
  await client.get('no-such-template')
} catch (err) {
  if (err instanceof NotFoundError) missing = err.code
}
const registry = new RemoteRegistry({url: baseUrl})
const viaRegistry = await registry.search({text: 'sdk-from-map'})
await registry.close()
await client.close()

console.log(JSON.stringify({
  health: health.status,
  published: [fromFolder.template.name, fromMap.template.name],
  found: found.items.map((item) => item.name).sort(),
  version: detail.version,
  versions: versions.length,
  files: [...project.files.keys()].sort(),
  archive: {filename: archive.filename, gzip: archive.archive[0] === 0x1f && archive.archive[1] === 0x8b},
  missing,
  viaRegistry: viaRegistry.items.map((item) => item.name),
  stats: {templates: stats.templates, namespaces: stats.namespaces},
  categorised: categorised.items.length,
}))
`

describe('@maestro-tpl/client, packed and installed into a fresh project', () => {
  let work: string
  let daemon: Awaited<ReturnType<typeof startDaemon>>

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'maestro-sdk-package-'))
    const catalog = join(work, 'empty-catalog')
    mkdirSync(catalog)
    daemon = await startDaemon({
      MAESTRO_HOME: join(work, 'store'),
      TEMPLATES_STORAGE_PATH: catalog,
      CI: 'true',
      ENABLE_RBAC: 'false',
    })
  }, 120_000)

  afterAll(async () => {
    if (daemon?.child.exitCode === null) {
      daemon.child.kill('SIGTERM')
      await exited(daemon.child)
    }
    rmSync(work, {recursive: true, force: true})
  })

  it('installs as one package with no dependency, type-checks strictly and works against the daemon', async () => {
    // The tarball, as `npm publish` would send it (built by `npm run build`).
    const packed = JSON.parse(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
        cwd: join(ROOT, 'packages', 'client'),
      }),
    ) as {filename: string; files: {path: string}[]}[]
    const tarball = join(work, packed[0]!.filename)
    const shipped = packed[0]!.files.map((f) => f.path)
    expect(shipped).toContain('dist/packages/client/src/index.d.ts')
    expect(shipped.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([])

    const app = join(work, 'app')
    mkdirSync(app)
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({name: 'sdk-user', private: true, type: 'module'}),
    )
    run(
      'npm',
      ['install', tarball, '--offline', '--no-audit', '--no-fund', '--cache', join(work, 'npm-cache')],
      {
        cwd: app,
      },
    )
    const lock = JSON.parse(readFileSync(join(app, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>
    }
    expect(Object.keys(lock.packages)).toEqual(['node_modules/@maestro-tpl/client'])

    writeFileSync(join(app, 'main.ts'), PROGRAM)
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          // The SDK's own declarations are checked too, not trusted.
          skipLibCheck: false,
          // Node's types for the program's own process.env and console: the SDK needs none.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
          outDir: 'out',
        },
        files: ['main.ts'],
      }),
    )
    run(process.execPath, [TSC, '-p', 'tsconfig.json'], {cwd: app})

    const template = await writeTemplate(join(work, 'sdk-from-folder'), {name: 'sdk-from-folder'})
    const out = run(process.execPath, ['out/main.js'], {
      cwd: app,
      env: {...process.env, MAESTRO_URL: daemon.url, TEMPLATE_DIR: template},
    })
    const result = JSON.parse(out) as Record<string, unknown>
    expect(result).toMatchObject({
      health: 'healthy',
      published: ['sdk-from-folder', 'sdk-from-map'],
      found: ['sdk-from-folder', 'sdk-from-map'],
      versions: 1,
      archive: {filename: 'billing.tar.gz', gzip: true},
      missing: 'NOT_FOUND',
      viaRegistry: ['sdk-from-map'],
      stats: {templates: 2},
      categorised: 2,
    })
    expect(result.files).toContain('README.md')
    expect(readFileSync(join(app, 'billing.tar.gz')).byteLength).toBeGreaterThan(100)
  })
})
