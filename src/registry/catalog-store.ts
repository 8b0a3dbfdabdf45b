/**
 * The bundled catalog as a ready store, built with the package (issue 16: "first use stays
 * fast"). Importing a catalog into a new store publishes every template: scores (shipped in
 * dist/catalog-snapshot.json), one git commit and one index write each: ~20 ms of CPU a
 * template, seconds of wall time for a few hundred. All of it is the same for every user,
 * so `npm run build` does it once: it imports templates_storage/ into a scratch store with
 * the real registry (src/registry/local-registry.ts), packs the public namespace's git
 * objects into one packfile, and keeps that repository and the SQLite index in
 * dist/catalog-store/. A new store on SQLite then starts as a copy of them: two files of
 * git objects, a few refs and one database file.
 *
 * The copy is used only when it is exactly the catalog the store would import: its
 * fingerprint (every file of the catalog and of workflows_storage/, by content) must match
 * the configured TEMPLATES_STORAGE_PATH, and its index must carry the migrations this
 * build knows. Anything else (another catalog, an edited template, PostgreSQL, an older
 * build) imports as before. The store identity is not shipped: the new store claims its
 * own on first open, as any new store does.
 */
import {createHash, randomUUID} from 'node:crypto'
import {cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'

import type {Config} from '../config.js'
import {packageRoot} from '../domain/package-root.js'
import {PUBLIC_NAMESPACE} from '../domain/types.js'
import {type CatalogSnapshot, catalogFolders} from '../quality/catalog-snapshot.js'

/** Bumped when the folder's shape changes; a prebuilt store of another format is ignored. */
export const CATALOG_STORE_FORMAT = 1

/** Where `npm run build` writes the prebuilt store, under the package root. */
export const CATALOG_STORE_DIR = join('dist', 'catalog-store')

const MANIFEST = 'catalog-store.json'
const INDEX_FILE = 'index.db'
const REPO_DIR = `${PUBLIC_NAMESPACE}.git`

/** dist/catalog-store/catalog-store.json: what the copy holds. */
export interface CatalogStoreManifest {
  format: typeof CATALOG_STORE_FORMAT
  /** {@link catalogFingerprint} of the catalog it was built from. */
  fingerprint: string
  /** The index's applied migrations, by name. */
  migrations: string[]
  templates: number
  workflows: number
  /** Objects in the public namespace's pack. */
  objects: number
}

/** The workflows shipped beside a catalog (`<catalog>/../workflows_storage`), as the import finds them. */
export function workflowsDirOf(catalogDir: string): string {
  return join(catalogDir, '..', 'workflows_storage')
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

/**
 * A hash of every file the catalog import reads (each template folder of `catalogDir` and
 * every file of the workflows beside it), by path and content. Modification times are not
 * used: npm packs every file with one fixed date.
 *
 * @example
 * ```ts
 * catalogFingerprint('/usr/lib/node_modules/maestro-tpl/templates_storage') // 'sha256:9f…'
 * ```
 */
export function catalogFingerprint(catalogDir: string): string {
  const hash = createHash('sha256')
  const workflows = workflowsDirOf(catalogDir)
  const files = [...catalogFolders(catalogDir).flatMap(filesUnder), ...filesUnder(workflows)]
  const root = dirname(catalogDir)
  for (const file of files.map((f) => relative(root, f).split(sep).join('/')).sort()) {
    const content = readFileSync(join(root, file))
    hash.update(`${file}\0${content.length}\0`).update(content)
  }
  return `sha256:${hash.digest('hex')}`
}

/** The manifest of the prebuilt store in `dir`, or undefined when there is none usable. */
export function readCatalogStore(dir: string): CatalogStoreManifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Partial<CatalogStoreManifest>
    if (manifest.format !== CATALOG_STORE_FORMAT || typeof manifest.fingerprint !== 'string') return undefined
    if (!existsSync(join(dir, INDEX_FILE)) || !existsSync(join(dir, REPO_DIR, 'HEAD'))) return undefined
    return manifest as CatalogStoreManifest
  } catch {
    return undefined
  }
}

/** The package's prebuilt store folder. */
export function defaultCatalogStoreDir(): string {
  return join(packageRoot(), CATALOG_STORE_DIR)
}

/**
 * First open of a new SQLite store whose catalog is the one `from` was built from: copies
 * the prebuilt public namespace and index into `config.home` and returns true. Returns
 * false, touching nothing, whenever the store is not new, the index is PostgreSQL, or the
 * prebuilt store does not match (the caller then imports the catalog as before).
 *
 * Each piece is copied under a temporary name and moved into place in one step (a rename,
 * or a hard link that fails when the target exists), so a second process opening the same
 * new store at the same moment finds either nothing or the whole file.
 */
export function seedFromCatalogStore(
  config: Pick<Config, 'home' | 'databaseUrl' | 'templatesStoragePath'>,
  migrations: readonly string[],
  from: string = defaultCatalogStoreDir(),
): boolean {
  if (config.databaseUrl) return false
  const index = join(config.home, INDEX_FILE)
  const git = join(config.home, 'git')
  if (existsSync(index) || existsSync(join(git, REPO_DIR))) return false
  const manifest = readCatalogStore(from)
  if (!manifest) return false
  if (
    manifest.migrations.length !== migrations.length ||
    !migrations.every((m) => manifest.migrations.includes(m))
  )
    return false
  if (manifest.fingerprint !== catalogFingerprint(config.templatesStoragePath)) return false
  const scratch = `.seed-${randomUUID()}`
  mkdirSync(git, {recursive: true})
  try {
    cpSync(join(from, REPO_DIR), join(git, scratch), {recursive: true})
    try {
      renameSync(join(git, scratch), join(git, REPO_DIR))
    } catch (err) {
      // Another process seeded it first: its copy is the same.
      if (!existsSync(join(git, REPO_DIR, 'HEAD'))) throw err
    }
    cpSync(join(from, INDEX_FILE), join(config.home, scratch))
    try {
      linkSync(join(config.home, scratch), index)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  } finally {
    rmSync(join(git, scratch), {recursive: true, force: true})
    rmSync(join(config.home, scratch), {force: true})
  }
  return true
}

/**
 * Builds the prebuilt store of `catalogDir` into `outDir` (what `npm run build` does for
 * templates_storage/): imports it into a scratch store with the real registry, scored from
 * `snapshot`, packs the public namespace's objects, and keeps the repository and the index
 * (without the scratch store's identity).
 *
 * @example
 * ```ts
 * await buildCatalogStore('templates_storage', 'dist/catalog-store', snapshot)
 * ```
 */
export async function buildCatalogStore(
  catalogDir: string,
  outDir: string,
  snapshot: CatalogSnapshot,
): Promise<CatalogStoreManifest> {
  const [
    {mkdtempSync, writeFileSync},
    {tmpdir},
    {loadConfig},
    {openLocalRegistry},
    {MIGRATIONS},
    {packLooseObjects},
  ] = await Promise.all([
    import('node:fs'),
    import('node:os'),
    import('../config.js'),
    import('./local-registry.js'),
    import('../db/migrate.js'),
    import('../store/pack.js'),
  ])
  const {default: Sqlite} = await import('better-sqlite3')
  const home = mkdtempSync(join(tmpdir(), 'maestro-catalog-store-'))
  try {
    const config = loadConfig({
      MAESTRO_HOME: home,
      TEMPLATES_STORAGE_PATH: catalogDir,
      DATABASE_URL: '',
      REDIS_URL: '',
    })
    const registry = await openLocalRegistry({
      config,
      context: {tenant: PUBLIC_NAMESPACE, user: 'maestro-tpl', role: 'admin'},
      importCatalog: false,
      catalogStore: false,
    })
    let count: number
    try {
      count = await registry.importCatalog(catalogDir, undefined, snapshot)
    } finally {
      await registry.close()
    }
    const templates = catalogFolders(catalogDir).length
    const objects = await packLooseObjects(join(home, 'git', REPO_DIR))
    rmSync(outDir, {recursive: true, force: true})
    mkdirSync(outDir, {recursive: true})
    cpSync(join(home, 'git', REPO_DIR), join(outDir, REPO_DIR), {recursive: true})
    // The scratch store's identity stays behind: each new store claims its own.
    const db = new Sqlite(join(home, INDEX_FILE))
    try {
      db.prepare(`DELETE FROM index_settings WHERE name = 'store_id'`).run()
      db.prepare('VACUUM INTO ?').run(join(outDir, INDEX_FILE))
    } finally {
      db.close()
    }
    const manifest: CatalogStoreManifest = {
      format: CATALOG_STORE_FORMAT,
      fingerprint: catalogFingerprint(catalogDir),
      migrations: Object.keys(MIGRATIONS),
      templates,
      workflows: count - templates,
      objects,
    }
    writeFileSync(join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
    return manifest
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}
