/**
 * The git content store: one bare repository per namespace (a tenant, or `public` for
 * the bundled catalog) at `<root>/<namespace>.git`.
 */
import {randomUUID} from 'node:crypto'
import {promises as fsp} from 'node:fs'
import {join, resolve} from 'node:path'

import {NamespaceRepo} from './namespace-repo.js'
import {NAMESPACE_PATTERN, assertNamespace} from './paths.js'
import type {LockOptions} from './types.js'

/**
 * The file naming the store: `{"id": "<uuid>", "created_at": "…"}`. The index records
 * the same id, so a daemon pointed at a database built from another store refuses to
 * start instead of repairing one from the other (see LocalRegistry's start-up).
 */
export const STORE_IDENTITY_FILE = 'maestro-store.json'

/** Options of a {@link GitStore}. */
export interface GitStoreOptions {
  /** Defaults for {@link NamespaceRepo.withLock}. */
  lock?: LockOptions
}

/**
 * The folder of namespace repositories.
 *
 * @example
 * ```ts
 * const store = new GitStore(join(home, 'git'))
 * const repo = store.repo('public')
 * await repo.init()
 * console.log(await store.namespaces()) // ['public']
 * ```
 */
export class GitStore {
  /** Absolute path of the folder holding `<namespace>.git` repositories. */
  readonly root: string
  readonly #options: GitStoreOptions
  // One handle per namespace, so its memo of parsed trees and commits is shared by every caller.
  readonly #repos = new Map<string, NamespaceRepo>()

  constructor(root: string, options: GitStoreOptions = {}) {
    this.root = resolve(root)
    this.#options = Object.freeze({...options})
  }

  /**
   * The handle of one namespace's repository (not created until {@link NamespaceRepo.init}).
   * Throws UsageError unless the name matches {@link NAMESPACE_PATTERN}.
   *
   * @example
   * ```ts
   * const repo = store.repo('acme')
   * ```
   */
  repo(namespace: string): NamespaceRepo {
    assertNamespace(namespace)
    let repo = this.#repos.get(namespace)
    if (!repo) {
      repo = new NamespaceRepo(namespace, this.root, this.#options.lock)
      this.#repos.set(namespace, repo)
    }
    return repo
  }

  /**
   * The store's identity (a uuid), or null for a store that has none yet.
   *
   * @example
   * ```ts
   * const id = await store.identity() // '7c9e6679-7425-40de-944b-e07fc1f90ae7'
   * ```
   */
  async identity(): Promise<string | null> {
    let text
    try {
      text = await fsp.readFile(join(this.root, STORE_IDENTITY_FILE), 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    const id = (JSON.parse(text) as {id?: unknown}).id
    if (typeof id !== 'string' || id === '')
      throw new Error(`${join(this.root, STORE_IDENTITY_FILE)} holds no store id`)
    return id
  }

  /**
   * Gives the store an identity (`id`, default a new uuid) unless it has one, and returns
   * the one it has: of several processes claiming at once, the first file written wins.
   *
   * @example
   * ```ts
   * const id = await store.claimIdentity()
   * ```
   */
  async claimIdentity(id: string = randomUUID()): Promise<string> {
    await fsp.mkdir(this.root, {recursive: true})
    const path = join(this.root, STORE_IDENTITY_FILE)
    const temp = `${path}.${process.pid}.${randomUUID()}`
    await fsp.writeFile(temp, `${JSON.stringify({id, created_at: new Date().toISOString()})}\n`)
    try {
      // link() fails when the name exists: the whole file appears at once, or not at all.
      await fsp.link(temp, path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      await fsp.rm(temp, {force: true})
    }
    return (await this.identity()) as string
  }

  /**
   * The namespaces that have a repository, sorted.
   *
   * @example
   * ```ts
   * for (const namespace of await store.namespaces()) await reindex(store.repo(namespace))
   * ```
   */
  async namespaces(): Promise<string[]> {
    let entries
    try {
      entries = await fsp.readdir(this.root, {withFileTypes: true})
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const found: string[] = []
    for (const entry of entries) {
      if (!entry.isDirectory() || !entry.name.endsWith('.git')) continue
      const namespace = entry.name.slice(0, -'.git'.length)
      if (!NAMESPACE_PATTERN.test(namespace)) continue
      const isRepo = await fsp.access(join(this.root, entry.name, 'HEAD')).then(
        () => true,
        () => false,
      )
      if (isRepo) found.push(namespace)
    }
    return found.sort()
  }
}
