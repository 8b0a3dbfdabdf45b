/**
 * Errors of keeping the index in step with git: what start-up, reconcile and reindex
 * stop on rather than guess. Each says what happened and what to do.
 */
import {MaestroError} from '../domain/errors.js'

/** One commit the index could not take: it stays unindexed until git is fixed. */
export interface IndexProblem {
  namespace: string
  commit: string
  /** `<category>/<name>` of the template the commit changes. */
  path: string
  reason: string
}

/**
 * Git holds a change the index cannot take without breaking a rule (a published version
 * changed in place, an invalid template, one name in two folders). Nothing about that
 * template is indexed past the commit before; the rest of the namespace is.
 */
export class IndexConflictError extends MaestroError {
  static readonly code = 'INDEX_CONFLICT'
  constructor(readonly problems: readonly IndexProblem[]) {
    const lines = problems.map(
      (p) => `namespace ${p.namespace}, commit ${p.commit.slice(0, 12)}, ${p.path}: ${p.reason}`,
    )
    super(
      `git holds changes the index cannot take:\n  ${lines.join('\n  ')}\n` +
        'Git is the record: fix it there with a new commit (bump `version` in the manifest.yaml, or ' +
        '`git revert` the commit), then run any maestro-tpl command (or `maestro-tpl reindex`) to index it. ' +
        'Until then the namespace is served as last indexed and refuses writes.',
      {code: IndexConflictError.code, status: 409, data: {problems: problems.map((p) => ({...p}))}},
    )
  }
}

/**
 * One line for a command that works on while some namespaces are in conflict: which, and
 * what to do (the full story is in the error a write or `maestro-tpl reindex` gives).
 *
 * @example
 * ```ts
 * const problems = await registry.indexConflicts()
 * if (problems.length > 0) process.stderr.write(indexConflictWarning(problems) + '\n')
 * ```
 */
export function indexConflictWarning(problems: readonly IndexProblem[]): string {
  const namespaces = [...new Set(problems.map((p) => p.namespace))]
  const first = problems[0]!
  const more = problems.length > 1 ? ` and ${problems.length - 1} more` : ''
  return (
    `Warning: namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')} served as last indexed, ` +
    `writes refused: git holds a change the index cannot take (${first.path} at commit ${first.commit.slice(0, 12)}${more}); ` +
    'fix it in git (bump the version, or git revert), then run `maestro-tpl reindex`.'
  )
}

/**
 * The index and the git store do not belong together: the database was built from
 * another store, or a namespace's history no longer holds the commit the index records.
 * Start-up stops here rather than drop index rows for commits it cannot see.
 */
export class StoreMismatchError extends MaestroError {
  static readonly code = 'STORE_MISMATCH'
  constructor(reason: string, data: Record<string, unknown>) {
    super(
      `${reason}. Nothing was changed. Point MAESTRO_HOME at the store this database was built from ` +
        '(several daemons must share one store volume), or give this store a database of its own ' +
        '(another DATABASE_URL, or PostgreSQL schema); to rebuild this database from this store ' +
        'instead, run `maestro-tpl reindex` (it drops what the index holds from any other store).',
      {code: StoreMismatchError.code, status: 409, data},
    )
  }
}
