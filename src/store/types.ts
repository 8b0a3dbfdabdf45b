/**
 * Types of the git content store: what a writer hands to {@link NamespaceRepo.commit}
 * and what the store hands back.
 */
import type {TemplateFiles} from '../domain/types.js'

/** Who a commit is attributed to. */
export interface GitIdentity {
  name: string
  email: string
}

/**
 * One change to one template, written as one commit.
 *
 * @example
 * ```ts
 * const change: TemplateChange = {
 *   operation: 'create',
 *   name: 'fastapi-service',
 *   version: '1.0.0',
 *   path: 'backend_developer/fastapi-service',
 *   files: new Map([['manifest.yaml', bytes], ['files/run.sh', script]]),
 *   executables: new Set(['files/run.sh']),
 * }
 * ```
 */
export interface TemplateChange {
  operation: 'create' | 'update' | 'delete'
  /** Template name; must equal the last segment of `path`. */
  name: string
  /** Required for create and update; optional for delete (recorded when given). */
  version?: string
  /** `<category>/<name>` where the template lives after the change (for delete: where it lived). */
  path: string
  /** When an update moves the template to another category: where it was, removed in the same commit. */
  previousPath?: string
  /** The whole template folder (create/update; absent for delete). Must hold `manifest.yaml`. */
  files?: TemplateFiles
  /**
   * Paths in `files` stored with git mode 100755 (scripts a rendered project runs).
   * `TemplateFiles` carries no mode, so everything else is stored 100644.
   */
  executables?: ReadonlySet<string>
  /** Subject line (a body may follow after a blank line); default `${operation} ${name}@${version}` / `delete ${name}`. */
  message?: string
  /** Default `maestro-tpl <maestro@localhost>`. */
  author?: GitIdentity
}

/** What {@link NamespaceRepo.commit} wrote. */
export interface CommitResult {
  /** The new commit, or the current head when `unchanged`. */
  commit: string
  /** Root tree of `commit`. */
  tree: string
  /** First parent of `commit` (null for the first commit of a namespace). */
  parent: string | null
  /** Path in the template → git blob id (empty for delete). */
  blobs: Map<string, string>
  /** Tree id of the template folder (null for delete). */
  templateTree: string | null
  /** True when the change left the tree as it was: no commit was written and `commit` is the head. */
  unchanged: boolean
}

/** Trailers that {@link NamespaceRepo.commit} writes and reindex reads back. */
export interface CommitTrailers {
  operation?: string
  template?: string
  version?: string
  path?: string
  /** Set when an update moved the template from another category. */
  previousPath?: string
}

/** One commit of a namespace, as {@link NamespaceRepo.log} returns it. */
export interface CommitRecord {
  oid: string
  parents: string[]
  tree: string
  /** Subject line (what `git log --format=%s` prints). */
  message: string
  /** The whole message, trailers included, without the final newline. */
  fullMessage: string
  /** `timestamp` is in seconds since the epoch, as git stores it. */
  author: GitIdentity & {timestamp: number}
  trailers: CommitTrailers
}

/** Where a template lives at a commit. */
export interface TemplateLocation {
  /** `<category>/<name>` */
  path: string
  /** Tree id of the template folder: equal ids mean equal content. */
  tree: string
}

/** A template that differs between two commits ({@link NamespaceRepo.diffTemplates}). */
export interface TemplateDiff {
  /** `<category>/<name>` */
  path: string
  name: string
  /** Tree id of the folder at the later commit; null when it is gone there. */
  tree: string | null
  /** Tree id of the folder at the earlier commit; null when it was not there. */
  previousTree: string | null
}

/** One file of a stored template. */
export interface StoredFile {
  /** Path relative to the template folder. */
  path: string
  /** git blob id */
  oid: string
  mode: '100644' | '100755'
}

/** Options of the cross-process writer lock. */
export interface LockOptions {
  /** How long to wait for the lock before giving up with ConflictError (default 10 000 ms). */
  timeoutMs?: number
  /**
   * A lock file not refreshed for this long is stale and may be broken (default 30 000 ms).
   * The holder refreshes it every `staleMs / 3`, so only a dead or frozen holder goes stale.
   */
  staleMs?: number
  /**
   * A lock shared by every machine (PostgreSQL advisory lock or Redis, see
   * src/db/lock.ts), taken before the file lock. Without it the file lock alone
   * serialises the writers of one machine.
   */
  shared?: SharedLock
}

/** A lock service shared across machines: src/db/lock.ts `WriteLocks`. */
export interface SharedLock {
  acquire(name: string, timeoutMs: number): Promise<SharedLease>
}

/** A held {@link SharedLock}. */
export interface SharedLease {
  /** Throws unless the lock is still held (fencing: called before the ref moves). */
  check(): Promise<void>
  release(): Promise<void>
}
