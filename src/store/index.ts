/**
 * The git content store.
 *
 * @example
 * ```ts
 * import {GitStore} from './store/index.js'
 * const repo = new GitStore('/srv/maestro/git').repo('acme')
 * ```
 */
export {GitStore, STORE_IDENTITY_FILE, type GitStoreOptions} from './git-store.js'
export {assertNamespace, NAMESPACE_PATTERN} from './paths.js'
export {DEFAULT_AUTHOR, MAIN_REF, NamespaceRepo} from './namespace-repo.js'
export {readLockOwner, withFileLock, type LockOwner} from './lock.js'
export {formatMessage, parseTrailers} from './message.js'
export type {
  CommitRecord,
  CommitResult,
  CommitTrailers,
  GitIdentity,
  LockOptions,
  StoredFile,
  TemplateChange,
  TemplateDiff,
  TemplateLocation,
} from './types.js'
