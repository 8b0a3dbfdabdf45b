/**
 * The git content store: one bare repository per namespace (a tenant, or `public` for
 * the bundled catalog) at `<root>/<namespace>.git`.
 */
import {promises as fsp} from 'node:fs'
import {join, resolve} from 'node:path'

import {NamespaceRepo} from './namespace-repo.js'
import {NAMESPACE_PATTERN, assertNamespace} from './paths.js'
import type {LockOptions} from './types.js'

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
