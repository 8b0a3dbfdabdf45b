/**
 * One namespace's bare git repository: templates at `<category>/<name>/`, one commit
 * per change on `refs/heads/main`.
 *
 * Commits are written object by object (blobs, trees, commit) without isomorphic-git's
 * index, whose add/commit reads the whole index on every call and slows past half a
 * second per commit at a few hundred templates. Only the trees on the changed path are
 * rewritten; every other subtree keeps its id, so a publish costs the same at 10 or
 * 10 000 templates.
 */
import {existsSync, mkdirSync, promises as fsp} from 'node:fs'
import {join, resolve} from 'node:path'

import type {default as IsomorphicGit} from 'isomorphic-git'

import {
  AlreadyExistsError,
  ConflictError,
  InvalidTemplateError,
  NotFoundError,
  UsageError,
} from '../domain/errors.js'
import type {TemplateFiles} from '../domain/types.js'
import {storeFs as fs, writeFileAtomicSync} from './fs.js'
import {assertLockHeld, withFileLock} from './lock.js'
import {advanceRef, readRef, readRefSync} from './refs.js'
import {formatMessage, parseTrailers, subjectOf} from './message.js'
import {
  EMPTY_TREE,
  EXECUTABLE_MODE,
  FILE_MODE,
  TREE_MODE,
  blobId,
  commitBody,
  compareBytes,
  looseObject,
  treeBody,
  treeId,
  type TreeEntry,
} from './objects.js'
import {assertNamespace, safeSegments, templateLocation} from './paths.js'
import type {
  CommitRecord,
  CommitResult,
  GitIdentity,
  LockOptions,
  StoredFile,
  TemplateChange,
  TemplateDiff,
  TemplateLocation,
} from './types.js'

/** The branch every namespace writes; HEAD points at it. */
export const MAIN_REF = 'refs/heads/main'
/** Author of commits whose change names none. */
export const DEFAULT_AUTHOR: Readonly<GitIdentity> = Object.freeze({
  name: 'maestro-tpl',
  email: 'maestro@localhost',
})

const NO_ENTRIES: readonly TreeEntry[] = Object.freeze([])
/** Parallel object reads and writes: enough to overlap I/O, few enough to stay far from EMFILE. */
const IO_CONCURRENCY = 16
/** Parsed trees and commits kept in memory; git objects never change, so these never go stale. */
const MEMO_ENTRIES = 8192

interface ParsedCommit {
  tree: string
  parents: string[]
  record: CommitRecord
}

/** A change after validation: everything commit() needs, nothing written yet. */
interface Plan {
  operation: TemplateChange['operation']
  name: string
  target: [string, string]
  previous: [string, string] | null
  files: {path: string; segments: string[]; content: Uint8Array; mode: string}[]
  message: string
  author: GitIdentity
}

/**
 * A namespace's repository. Get one from {@link GitStore.repo}.
 *
 * Writers should run read-decide-commit sequences inside {@link NamespaceRepo.withLock};
 * {@link NamespaceRepo.commit} is safe on its own too: it moves `main` with a
 * compare-and-swap and throws ConflictError if another writer moved it first.
 *
 * @example
 * ```ts
 * const repo = new GitStore('/srv/maestro/git').repo('acme')
 * await repo.init()
 * const {commit} = await repo.withLock(() =>
 *   repo.commit({operation: 'create', name: 'api', version: '1.0.0', path: 'backend_developer/api', files}),
 * )
 * const files = await repo.readTemplate(commit, 'backend_developer/api')
 * ```
 */
export class NamespaceRepo {
  readonly namespace: string
  /** The bare repository, `<root>/<namespace>.git`. */
  readonly dir: string
  readonly #lockPath: string
  readonly #lockOptions: LockOptions
  readonly #trees = new Memo<readonly TreeEntry[]>(MEMO_ENTRIES)
  readonly #commits = new Memo<ParsedCommit>(MEMO_ENTRIES)
  #initialized = false
  /** The last commit this handle wrote and moved `main` to. */
  #lastCommit: {oid: string; tree: string; parents: string[]} | undefined

  /** Prefer {@link GitStore.repo}: it hands out one handle per namespace, sharing its memo. */
  constructor(namespace: string, root: string, lockOptions: LockOptions = {}) {
    this.namespace = assertNamespace(namespace)
    this.dir = join(resolve(root), `${namespace}.git`)
    this.#lockPath = join(resolve(root), `${namespace}.lock`)
    this.#lockOptions = Object.freeze({...lockOptions})
  }

  /**
   * Creates the bare repository (default branch `main`) unless it exists.
   *
   * @example
   * ```ts
   * await repo.init() // safe to call on every start
   * ```
   */
  async init(): Promise<void> {
    if (this.#initialized) return
    if (!(await exists(join(this.dir, 'HEAD')))) {
      await fsp.mkdir(this.dir, {recursive: true})
      await (await loadGit()).init({fs, gitdir: this.dir, bare: true, defaultBranch: 'main'})
    }
    this.#initialized = true
  }

  /**
   * The commit `main` points at, or null while the namespace has no commit.
   *
   * @example
   * ```ts
   * const before = await repo.head()
   * ```
   */
  async head(): Promise<string | null> {
    // Read the ref files directly: every command asks for the head at start-up to check
    // the index is current, and loading isomorphic-git for that would cost ~100 ms.
    const head = await readRef(this.dir, MAIN_REF)
    if (head !== null) return head
    try {
      return await (await loadGit()).resolveRef({fs, gitdir: this.dir, ref: MAIN_REF})
    } catch (err) {
      if (isGitNotFound(err)) return null
      throw err
    }
  }

  /**
   * Writes one change as one commit on `main` and returns what was written. A change that
   * leaves the tree as it is writes nothing and returns the head with `unchanged: true`
   * (publishing the same content twice is idempotent).
   *
   * Refuses, before writing anything: unsafe paths (UnsafePathError), a template without
   * `manifest.yaml` (InvalidTemplateError), creating over another template or a name that
   * lives in another category (AlreadyExistsError), updating or deleting what is not
   * there (NotFoundError). Throws ConflictError when another writer moved `main` meanwhile.
   *
   * @example
   * ```ts
   * const result = await repo.commit({
   *   operation: 'update',
   *   name: 'api',
   *   version: '1.1.0',
   *   path: 'devops_engineer/api',
   *   previousPath: 'backend_developer/api', // moved: removed from there in the same commit
   *   files,
   *   executables: new Set(['files/scripts/start.sh']),
   * })
   * if (!result.unchanged) console.log(`committed ${result.commit}`)
   * ```
   */
  async commit(change: TemplateChange): Promise<CommitResult> {
    const plan = planChange(change)
    await this.init()
    const cache = {}
    // Synchronous where it can be (here and below): a commit runs under its namespace's
    // lock, and each asynchronous file step would wait its turn in the thread pool behind
    // every other request's I/O (hundreds of publishes writing their objects at once).
    const parent = readRefSync(this.dir, MAIN_REF) ?? (await this.head())
    // The commit this process wrote last is usually the parent (a batch's writes follow
    // each other): its tree and parents are known without reading the object back.
    const parentCommit =
      parent === null
        ? null
        : this.#lastCommit?.oid === parent
          ? this.#lastCommit
          : await this.#readCommit(parent, cache)
    const rootTree = parentCommit?.tree ?? EMPTY_TREE

    const [category, name] = plan.target
    const targetPath = `${category}/${name}`
    const current = await this.#entryAt(rootTree, plan.target, cache)
    let before: TreeEntry | null = null
    let moveFrom: [string, string] | null = null

    if (plan.operation === 'delete') {
      if (current?.type !== 'tree') throw new NotFoundError('template', `${this.namespace}/${targetPath}`)
    } else if (plan.operation === 'create') {
      await this.#assertNameFree(rootTree, name, category, null, cache)
      // A create retried after a crash finds its own content and ends up unchanged below.
      if (current) before = current
    } else {
      const previous = plan.previous ?? plan.target
      const previousPath = previous.join('/')
      before = previousPath === targetPath ? current : await this.#entryAt(rootTree, previous, cache)
      if (before?.type !== 'tree') throw new NotFoundError('template', `${this.namespace}/${previousPath}`)
      if (previousPath !== targetPath) {
        if (current) throw new AlreadyExistsError('template', `${this.namespace}/${targetPath}`)
        await this.#assertNameFree(rootTree, name, category, previous[0], cache)
        moveFrom = previous
      }
    }

    // Everything is computed in memory first: nothing is written for a change that
    // changes nothing or is refused.
    const batch = new Batch()
    const blobs = new Map<string, string>()
    const templateTree = plan.operation === 'delete' ? null : this.#stageTemplate(plan, blobs, batch)
    if (plan.operation === 'create' && before) {
      if (before.oid !== templateTree)
        throw new AlreadyExistsError('template', `${this.namespace}/${targetPath}`)
    }
    let root = rootTree
    if (moveFrom) root = (await this.#stageSetAt(root, moveFrom, null, true, batch, cache)) ?? EMPTY_TREE
    root = (await this.#stageSetAt(root, plan.target, templateTree, true, batch, cache)) ?? EMPTY_TREE

    if (parent !== null && parentCommit !== null && root === rootTree) {
      return {
        commit: parent,
        tree: rootTree,
        parent: parentCommit.parents[0] ?? null,
        blobs,
        templateTree,
        unchanged: true,
      }
    }

    // Blobs the previous version already stored need no write.
    const stored = before
      ? new Set((await this.#filesUnder(before.oid, '', cache)).map((f) => f.oid))
      : new Set<string>()
    this.#flushSync(batch, stored)
    const now = Math.floor(Date.now() / 1000)
    const timezoneOffset = new Date().getTimezoneOffset()
    const commitObject = looseObject(
      'commit',
      commitBody({
        message: formatMessage(plan.message, {
          operation: plan.operation,
          template: name,
          ...(change.version === undefined ? {} : {version: change.version}),
          path: targetPath,
          ...(moveFrom ? {previousPath: moveFrom.join('/')} : {}),
        }),
        tree: root,
        parents: parent === null ? [] : [parent],
        author: {...plan.author, timestamp: now, timezoneOffset},
        committer: {...DEFAULT_AUTHOR, timestamp: now, timezoneOffset},
      }),
    )
    this.#writeLooseSync(commitObject.oid, commitObject.file)
    const commit = commitObject.oid
    await this.#advanceMain(parent, commit)
    this.#lastCommit = {oid: commit, tree: root, parents: parent === null ? [] : [parent]}
    return {commit, tree: root, parent, blobs, templateTree, unchanged: false}
  }

  /**
   * The files of the template at `path` (`<category>/<name>`) as of `commit`.
   * Reads the template's own subtree only. Throws NotFoundError when the commit or the
   * template does not exist.
   *
   * @example
   * ```ts
   * const files = await repo.readTemplate(version.commit, 'backend_developer/api')
   * const manifest = new TextDecoder().decode(files.get('manifest.yaml'))
   * ```
   */
  async readTemplate(commit: string, path: string): Promise<TemplateFiles> {
    const cache = {}
    const listed = await this.#listTemplateFiles(commit, path, cache)
    const contents = await mapLimit(listed, IO_CONCURRENCY, async (file) => {
      const {blob} = await (await loadGit()).readBlob({fs, gitdir: this.dir, oid: file.oid, cache})
      return blob
    })
    const files: TemplateFiles = new Map()
    listed.forEach((file, i) => files.set(file.path, contents[i] as Uint8Array))
    return files
  }

  /**
   * The files of the template at `path` as of `commit` with their blob ids and modes,
   * without reading contents. Throws NotFoundError like {@link NamespaceRepo.readTemplate}.
   *
   * @example
   * ```ts
   * const scripts = (await repo.listFiles(head, 'devops_engineer/ci')).filter((f) => f.mode === '100755')
   * ```
   */
  async listFiles(commit: string, path: string): Promise<StoredFile[]> {
    return this.#listTemplateFiles(commit, path, {})
  }

  /**
   * The contents of one blob (a file id from {@link CommitResult.blobs} or
   * {@link NamespaceRepo.listFiles}).
   *
   * @example
   * ```ts
   * const bytes = await repo.readBlob(result.blobs.get('README.md')!)
   * ```
   */
  async readBlob(oid: string): Promise<Uint8Array> {
    try {
      return (await (await loadGit()).readBlob({fs, gitdir: this.dir, oid})).blob
    } catch (err) {
      if (isGitNotFound(err) || isGitObjectType(err)) throw new NotFoundError('blob', oid)
      throw err
    }
  }

  /**
   * Every `<category>/<name>` holding a `manifest.yaml` as of `commit`, sorted by path,
   * with the tree id of its folder (equal ids mean equal content).
   *
   * @example
   * ```ts
   * const head = await repo.head()
   * const templates = head ? await repo.listTemplates(head) : []
   * ```
   */
  async listTemplates(commit: string): Promise<TemplateLocation[]> {
    const cache = {}
    const root = await this.#readTree((await this.#readCommit(commit, cache)).tree, cache)
    const found: TemplateLocation[] = []
    for (const category of root) {
      if (category.type !== 'tree') continue
      for (const template of await this.#readTree(category.oid, cache)) {
        if (template.type !== 'tree') continue
        const manifest = (await this.#readTree(template.oid, cache)).find((e) => e.path === 'manifest.yaml')
        if (manifest?.type === 'blob')
          found.push({path: `${category.path}/${template.path}`, tree: template.oid})
      }
    }
    return found.sort((a, b) => compareBytes(a.path, b.path))
  }

  /**
   * The history of `main`, oldest first. With `since`, only the commits after it
   * (exclusive); throws NotFoundError when `since` is not in the history (rewritten
   * history: rebuild from the start).
   *
   * @example
   * ```ts
   * for (const c of await repo.log({since: indexedHead})) {
   *   console.log(c.trailers.operation, c.trailers.template, c.trailers.version)
   * }
   * ```
   */
  async log(options: {since?: string | null} = {}): Promise<CommitRecord[]> {
    const since = options.since ?? null
    const head = await this.head()
    if (head === null) {
      if (since !== null) throw notInHistory(this.namespace, since)
      return []
    }
    const cache = {}
    // Depth-first from the head, parents before children, stopping at `since`.
    const order: CommitRecord[] = []
    const state = new Map<string, 'open' | 'done'>()
    let reachedSince = false
    const stack: {oid: string; expanded: boolean}[] = [{oid: head, expanded: false}]
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as {oid: string; expanded: boolean}
      if (top.oid === since) {
        reachedSince = true
        state.set(top.oid, 'done')
        stack.pop()
        continue
      }
      if (!top.expanded && state.has(top.oid)) {
        // Reached again through another child (a merge): already placed.
        stack.pop()
        continue
      }
      const parsed = await this.#readCommit(top.oid, cache)
      if (!top.expanded) {
        top.expanded = true
        state.set(top.oid, 'open')
        for (const p of [...parsed.parents].reverse()) {
          if (!state.has(p)) stack.push({oid: p, expanded: false})
        }
        continue
      }
      stack.pop()
      if (state.get(top.oid) !== 'done') {
        state.set(top.oid, 'done')
        order.push(parsed.record)
      }
    }
    if (since !== null && !reachedSince) throw notInHistory(this.namespace, since)
    return order
  }

  /**
   * The commits that take the index from `since` to the head, each to be compared with
   * the tree before it: the first-parent chain of `main` back to `since` (exclusive),
   * oldest first, and `base`, the commit the first step starts from. A merge is one step
   * (what it brought, against its first parent). When `since` is in the history but off
   * the first-parent chain (merged in from a branch), the whole way is one step from
   * `since` to the head. Throws NotFoundError when `since` is not in the history.
   *
   * @example
   * ```ts
   * const {base, commits} = await repo.changesSince(indexedHead)
   * let before = base
   * for (const c of commits) { console.log(await repo.diffTemplates(before, c.oid)); before = c.oid }
   * ```
   */
  async changesSince(since: string | null): Promise<{base: string | null; commits: CommitRecord[]}> {
    const head = await this.head()
    if (head === null) {
      if (since !== null) throw notInHistory(this.namespace, since)
      return {base: null, commits: []}
    }
    const cache = {}
    const chain: CommitRecord[] = []
    for (let oid: string | undefined = head; oid !== undefined && oid !== since;) {
      const parsed = await this.#readCommit(oid, cache)
      chain.push(parsed.record)
      oid = parsed.parents[0]
      if (oid === undefined && since !== null) {
        // Not on the first-parent chain: one step from `since` if it is an ancestor at all.
        if (!(await this.log()).some((c) => c.oid === since)) throw notInHistory(this.namespace, since)
        return {base: since, commits: [(await this.#readCommit(head, cache)).record]}
      }
    }
    return {base: since, commits: chain.reverse()}
  }

  /**
   * The templates (folders `<category>/<name>` holding a `manifest.yaml`) that differ
   * between commit `from` (null: the empty tree) and commit `to`, sorted by path. Only
   * the subtrees whose ids differ are read, so the cost follows the size of the change,
   * not of the namespace.
   *
   * @example
   * ```ts
   * for (const d of await repo.diffTemplates(parent, commit)) {
   *   if (d.tree === null) console.log(`removed ${d.path}`)
   *   else console.log(`${d.previousTree ? 'changed' : 'added'} ${d.path}`)
   * }
   * ```
   */
  async diffTemplates(from: string | null, to: string): Promise<TemplateDiff[]> {
    const cache = {}
    const rootOf = async (commit: string | null) =>
      commit === null ? EMPTY_TREE : (await this.#readCommit(commit, cache)).tree
    const subtrees = async (tree: string | null) =>
      new Map(
        (tree === null ? NO_ENTRIES : await this.#readTree(tree, cache))
          .filter((e) => e.type === 'tree')
          .map((e) => [e.path, e.oid]),
      )
    // A folder is a template when it holds manifest.yaml; any other folder is not indexed.
    const asTemplate = async (tree: string | undefined) =>
      tree !== undefined && (await this.#readTree(tree, cache)).some((e) => e.path === 'manifest.yaml')
        ? tree
        : null
    const [before, after] = await Promise.all([subtrees(await rootOf(from)), subtrees(await rootOf(to))])
    const diffs: TemplateDiff[] = []
    for (const category of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(category) === after.get(category)) continue
      const [old, next] = await Promise.all([
        subtrees(before.get(category) ?? null),
        subtrees(after.get(category) ?? null),
      ])
      for (const name of new Set([...old.keys(), ...next.keys()])) {
        if (old.get(name) === next.get(name)) continue
        const previousTree = await asTemplate(old.get(name))
        const tree = await asTemplate(next.get(name))
        if (previousTree !== tree) diffs.push({path: `${category}/${name}`, name, tree, previousTree})
      }
    }
    return diffs.sort((a, b) => compareBytes(a.path, b.path))
  }

  /**
   * Whether this repository holds commit `oid` (reachable or not).
   *
   * @example
   * ```ts
   * if (!(await repo.hasCommit(indexedHead))) throw new Error('the index was built from another store')
   * ```
   */
  async hasCommit(oid: string): Promise<boolean> {
    if (!(await exists(join(this.dir, 'HEAD')))) return false
    return this.#readCommit(oid, {}).then(
      () => true,
      (err: unknown) => {
        if (err instanceof NotFoundError) return false
        throw err
      },
    )
  }

  /**
   * Writes the objects of a create or update (its blobs and the template's trees) without
   * committing. They are content-addressed and unreachable until a commit names them, so
   * a writer can write them before it takes the namespace lock: only the root trees, the
   * commit and the ref move are left for inside it ({@link commit} finds these stored).
   * Validates the change as {@link commit} does; a delete has nothing to write.
   *
   * @example
   * ```ts
   * await repo.writeObjects(change) // outside the lock: the bulk of the I/O
   * await repo.withLock(() => repo.commit(change))
   * ```
   */
  async writeObjects(change: TemplateChange): Promise<void> {
    const plan = planChange(change)
    if (plan.operation === 'delete') return
    await this.init()
    const batch = new Batch()
    this.#stageTemplate(plan, new Map(), batch)
    await this.#flush(batch, new Set())
  }

  /**
   * Runs `fn` holding the namespace's writer lock, shared by every process using this
   * store root (a lock file created with O_EXCL next to the repository). Waits up to
   * `timeoutMs`, then throws ConflictError. A lock left by a dead process, or not
   * refreshed for `staleMs`, is broken. Re-entrant within one async call chain.
   *
   * @example
   * ```ts
   * await repo.withLock(async () => {
   *   const head = await repo.head()
   *   // decide from `head`, then write
   *   await repo.commit(change)
   * })
   * ```
   */
  withLock<T>(fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
    return withFileLock(this.#lockPath, fn, {
      ...this.#lockOptions,
      ...options,
      what: `namespace ${JSON.stringify(this.namespace)}`,
    })
  }

  /** Another category must not hold a template of the same name (names are unique per namespace). */
  async #assertNameFree(
    rootTree: string,
    name: string,
    category: string,
    movingFrom: string | null,
    cache: object,
  ): Promise<void> {
    for (const entry of await this.#readTree(rootTree, cache)) {
      if (entry.type !== 'tree' || entry.path === category || entry.path === movingFrom) continue
      const other = (await this.#readTree(entry.oid, cache)).find((e) => e.path === name)
      if (other?.type === 'tree')
        throw new AlreadyExistsError('template', `${this.namespace}/${entry.path}/${name}`)
    }
  }

  /** Stages the template's blobs and trees; returns the template's tree id. */
  #stageTemplate(plan: Plan, blobs: Map<string, string>, batch: Batch): string {
    interface Dir {
      children: Map<string, Dir | TreeEntry>
    }
    const top: Dir = {children: new Map()}
    for (const file of plan.files) {
      const oid = blobId(file.content)
      blobs.set(file.path, oid)
      batch.blobs.set(oid, file.content)
      let dir = top
      for (const segment of file.segments.slice(0, -1)) {
        let next = dir.children.get(segment)
        if (!next) dir.children.set(segment, (next = {children: new Map()}))
        dir = next as Dir
      }
      const base = file.segments[file.segments.length - 1] as string
      dir.children.set(base, {mode: file.mode, path: base, oid, type: 'blob'})
    }
    const stage = (dir: Dir): string => {
      const entries: TreeEntry[] = []
      for (const [path, child] of dir.children) {
        entries.push('children' in child ? {mode: TREE_MODE, path, oid: stage(child), type: 'tree'} : child)
      }
      return batch.tree(entries)
    }
    return stage(top)
  }

  /**
   * Stages `tree` with the subtree at `segments` replaced by `value` (removed when null)
   * and returns its id. Untouched entries keep their ids; a folder left empty disappears
   * (git has no empty folders), except the root.
   */
  async #stageSetAt(
    tree: string | null,
    segments: readonly string[],
    value: string | null,
    isRoot: boolean,
    batch: Batch,
    cache: object,
  ): Promise<string | null> {
    const [head, ...rest] = segments as [string, ...string[]]
    const entries = tree === null ? [] : (batch.trees.get(tree) ?? (await this.#readTree(tree, cache)))
    const index = entries.findIndex((e) => e.path === head)
    const existing = index >= 0 ? entries[index] : undefined
    if (existing && existing.type !== 'tree') {
      throw new ConflictError(`${head} is a file in namespace ${this.namespace}, not a folder`, {path: head})
    }
    const child =
      rest.length === 0
        ? value
        : await this.#stageSetAt(existing?.oid ?? null, rest, value, false, batch, cache)
    if ((existing?.oid ?? null) === child) return tree
    const next = entries.filter((_, i) => i !== index)
    if (child !== null) next.push({mode: TREE_MODE, path: head, oid: child, type: 'tree'})
    if (next.length === 0 && !isRoot) return null
    return batch.tree(next)
  }

  /**
   * Writes the staged objects that are not stored yet, all at once, as loose object
   * files (deflated here with node's zlib, which costs half the CPU of going through
   * isomorphic-git's writeBlob/writeTree), checking each id against the one staged.
   */
  async #flush(batch: Batch, stored: ReadonlySet<string>): Promise<void> {
    const writes: (() => Promise<void>)[] = []
    const writeLoose = async (oid: string, type: 'blob' | 'tree', body: Uint8Array) => {
      // Checked on disk rather than trusted from memory: `git gc` may have pruned an
      // unreachable object (from a commit that lost its race) that we still remember.
      if (await this.#hasLooseObject(oid)) return
      const object = looseObject(type, body)
      expectOid(oid, object.oid)
      const dir = join(this.dir, 'objects', oid.slice(0, 2))
      await fsp.mkdir(dir, {recursive: true})
      await fs.promises.writeFile(join(dir, oid.slice(2)), object.file)
    }
    for (const [oid, blob] of batch.blobs) {
      if (stored.has(oid)) continue
      writes.push(() => writeLoose(oid, 'blob', blob))
    }
    for (const [oid, entries] of batch.trees) {
      writes.push(() => writeLoose(oid, 'tree', treeBody(entries.map((e) => ({...e})))))
    }
    await mapLimit(writes, IO_CONCURRENCY, (write) => write())
    for (const [oid, entries] of batch.trees) this.#trees.set(oid, entries)
  }

  /** {@link #flush}, synchronously (a commit under the lock: see `commit`). */
  #flushSync(batch: Batch, stored: ReadonlySet<string>): void {
    const write = (oid: string, type: 'blob' | 'tree', body: Uint8Array) => {
      // Checked on disk, as in #flush.
      if (existsSync(this.#loosePath(oid))) return
      const object = looseObject(type, body)
      expectOid(oid, object.oid)
      this.#writeLooseSync(oid, object.file)
    }
    for (const [oid, blob] of batch.blobs) if (!stored.has(oid)) write(oid, 'blob', blob)
    for (const [oid, entries] of batch.trees) write(oid, 'tree', treeBody(entries.map((e) => ({...e}))))
    for (const [oid, entries] of batch.trees) this.#trees.set(oid, entries)
  }

  #loosePath(oid: string): string {
    return join(this.dir, 'objects', oid.slice(0, 2), oid.slice(2))
  }

  /** Writes a deflated loose object file under its id (whole or not at all). */
  #writeLooseSync(oid: string, file: Uint8Array): void {
    const path = this.#loosePath(oid)
    if (existsSync(path)) return
    mkdirSync(join(this.dir, 'objects', oid.slice(0, 2)), {recursive: true})
    writeFileAtomicSync(path, file)
  }

  /** Whether the object is stored loose (a packed object is simply written again, loose). */
  #hasLooseObject(oid: string): Promise<boolean> {
    return exists(join(this.dir, 'objects', oid.slice(0, 2), oid.slice(2)))
  }

  async #readTree(oid: string, cache: object): Promise<readonly TreeEntry[]> {
    // git knows the empty tree without storing it; a new repository has no such object.
    if (oid === EMPTY_TREE) return NO_ENTRIES
    const known = this.#trees.get(oid)
    if (known) return known
    const {tree} = await (await loadGit()).readTree({fs, gitdir: this.dir, oid, cache})
    const entries = Object.freeze(tree.map((e) => ({mode: e.mode, path: e.path, oid: e.oid, type: e.type})))
    this.#trees.set(oid, entries)
    return entries
  }

  async #readCommit(ref: string, cache: object): Promise<ParsedCommit> {
    const known = this.#commits.get(ref)
    if (known) return known
    let oid = ref
    if (!/^[0-9a-f]{40}$/.test(ref)) {
      oid = await (await loadGit()).resolveRef({fs, gitdir: this.dir, ref}).catch((err: unknown) => {
        throw isGitNotFound(err) ? new NotFoundError('commit', ref) : err
      })
    }
    let commit
    try {
      commit = (await (await loadGit()).readCommit({fs, gitdir: this.dir, oid, cache})).commit
    } catch (err) {
      if (isGitNotFound(err) || isGitObjectType(err)) throw new NotFoundError('commit', ref)
      throw err
    }
    const fullMessage = commit.message.replace(/\n$/, '')
    const parsed: ParsedCommit = {
      tree: commit.tree,
      parents: commit.parent,
      record: Object.freeze({
        oid,
        parents: [...commit.parent],
        tree: commit.tree,
        message: subjectOf(fullMessage),
        fullMessage,
        author: {name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp},
        trailers: parseTrailers(fullMessage),
      }),
    }
    // Only ids are immutable; a ref name must be resolved again next time.
    this.#commits.set(oid, parsed)
    return parsed
  }

  async #entryAt(tree: string, segments: readonly string[], cache: object): Promise<TreeEntry | null> {
    let entries = await this.#readTree(tree, cache)
    let found: TreeEntry | undefined
    for (const [i, segment] of segments.entries()) {
      found = entries.find((e) => e.path === segment)
      if (!found) return null
      if (i < segments.length - 1) {
        if (found.type !== 'tree') return null
        entries = await this.#readTree(found.oid, cache)
      }
    }
    return found ?? null
  }

  async #listTemplateFiles(commit: string, path: string, cache: object): Promise<StoredFile[]> {
    const location = templateLocation(path)
    const {tree} = await this.#readCommit(commit, cache)
    const entry = await this.#entryAt(tree, location, cache)
    if (entry?.type !== 'tree')
      throw new NotFoundError('template', `${this.namespace}/${path}@${commit.slice(0, 12)}`)
    return this.#filesUnder(entry.oid, '', cache)
  }

  /** Every blob under `tree`, depth first, paths relative to it. */
  async #filesUnder(tree: string, prefix: string, cache: object): Promise<StoredFile[]> {
    const files: StoredFile[] = []
    for (const entry of await this.#readTree(tree, cache)) {
      if (entry.type === 'tree')
        files.push(...(await this.#filesUnder(entry.oid, `${prefix}${entry.path}/`, cache)))
      else if (entry.type === 'blob') {
        files.push({
          path: prefix + entry.path,
          oid: entry.oid,
          mode: entry.mode === EXECUTABLE_MODE ? '100755' : '100644',
        })
      }
    }
    return files
  }

  /** Moves `main` from `expected` to `next` under git's ref-lock protocol (see advanceRef). */
  async #advanceMain(expected: string | null, next: string): Promise<void> {
    // Fencing: a writer whose shared lock was lost meanwhile must not move the ref.
    await assertLockHeld(this.#lockPath)
    await advanceRef(this.dir, MAIN_REF, expected, next, {namespace: this.namespace})
  }
}

/** The objects of one commit, staged in memory by id before anything is written. */
class Batch {
  readonly blobs = new Map<string, Uint8Array>()
  readonly trees = new Map<string, readonly TreeEntry[]>()

  /** Stages a tree (sorting `entries` into git's order) and returns its id. */
  tree(entries: TreeEntry[]): string {
    const oid = treeId(entries)
    this.trees.set(oid, Object.freeze(entries))
    return oid
  }
}

function expectOid(staged: string, written: string): void {
  // Both sides implement git's object format; disagreeing would corrupt the repository.
  if (staged !== written) throw new Error(`internal: staged object ${staged} was written as ${written}`)
}

/** Validates a change completely before anything is written. */
function planChange(change: TemplateChange): Plan {
  const {operation} = change
  if (operation !== 'create' && operation !== 'update' && operation !== 'delete') {
    throw new UsageError(`unknown operation ${JSON.stringify(operation)}: expected create, update or delete`)
  }
  const target = templateLocation(change.path)
  if (change.name !== target[1]) {
    throw new UsageError(
      `template ${JSON.stringify(change.name)} must live in a folder of its name, not ${change.path}`,
      {
        name: change.name,
        path: change.path,
      },
    )
  }
  let previous: [string, string] | null = null
  if (change.previousPath !== undefined) {
    if (operation !== 'update') throw new UsageError('previousPath is only for updates that move a template')
    previous = templateLocation(change.previousPath)
    if (previous[1] !== change.name) {
      throw new UsageError(`previousPath ${change.previousPath} does not hold template ${change.name}`)
    }
  }
  if (change.version !== undefined) assertLine(change.version, 'version', 256)
  if (operation !== 'delete' && !change.version) throw new UsageError(`${operation} needs a version`)

  const files: Plan['files'] = []
  if (operation === 'delete') {
    if (change.files !== undefined) throw new UsageError('delete takes no files')
  } else {
    if (!(change.files instanceof Map)) throw new UsageError(`${operation} needs the template's files`)
    const executables = change.executables ?? new Set<string>()
    for (const path of executables) {
      if (!change.files.has(path))
        throw new UsageError(`executable ${JSON.stringify(path)} is not a file of the template`)
    }
    for (const [path, content] of change.files) {
      const segments = safeSegments(path)
      if (!(content instanceof Uint8Array))
        throw new UsageError(`contents of ${path} must be bytes (Uint8Array)`)
      files.push({path, segments, content, mode: executables.has(path) ? EXECUTABLE_MODE : FILE_MODE})
    }
    if (!change.files.has('manifest.yaml')) {
      throw new InvalidTemplateError([
        {file: 'manifest.yaml', message: 'missing: every template needs a manifest.yaml'},
      ])
    }
    assertNoFileFolderClash(files.map((f) => f.path))
  }

  const author = change.author ?? DEFAULT_AUTHOR
  assertLine(author.name, 'author name', 256, /[<>]/)
  assertLine(author.email, 'author email', 256, /[<>\s]/)
  const fallback =
    operation === 'delete'
      ? `delete ${change.name}${change.version ? `@${change.version}` : ''}`
      : `${operation} ${change.name}@${change.version}`
  const message = change.message?.trim() ? change.message : fallback
  return {
    operation,
    name: change.name,
    target,
    previous,
    files,
    message,
    author: {name: author.name.trim(), email: author.email.trim()},
  }
}

/** `a` and `a/b` cannot both be files: git would need `a` to be a blob and a tree at once. */
function assertNoFileFolderClash(paths: string[]): void {
  const set = new Set(paths)
  for (const path of paths) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) {
      const folder = path.slice(0, i)
      if (set.has(folder))
        throw new UsageError(`${folder} is both a file and a folder of the template`, {path: folder})
    }
  }
}

function assertLine(value: unknown, what: string, max: number, forbidden?: RegExp): void {
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`${what} must be a non-empty string`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value.length > max || forbidden?.test(value.trim())) {
    throw new UsageError(`${what} ${JSON.stringify(value)} is not allowed in a git commit`, {[what]: value})
  }
}

function notInHistory(namespace: string, since: string): NotFoundError {
  return new NotFoundError(
    'commit',
    since,
    `it is not in the history of namespace ${namespace}; rebuild from the start`,
  )
}

let gitModule: Promise<typeof IsomorphicGit> | undefined

/** isomorphic-git, loaded on first use: commands that only read the index never need it. */
function loadGit(): Promise<typeof IsomorphicGit> {
  gitModule ??= import('isomorphic-git').then((m) => m.default)
  return gitModule
}

function isGitNotFound(err: unknown): boolean {
  return (err as {code?: unknown} | null)?.code === 'NotFoundError'
}

function isGitObjectType(err: unknown): boolean {
  return (err as {code?: unknown} | null)?.code === 'ObjectTypeError'
}

async function exists(path: string): Promise<boolean> {
  return fsp.access(path).then(
    () => true,
    () => false,
  )
}

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i] as T)
    }
  }
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker))
  return results
}

/** A small least-recently-used map. */
class Memo<V> {
  readonly #max: number
  readonly #map = new Map<string, V>()
  constructor(max: number) {
    this.#max = max
  }
  get(key: string): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      this.#map.delete(key)
      this.#map.set(key, value)
    }
    return value
  }
  set(key: string, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value as string)
  }
}
