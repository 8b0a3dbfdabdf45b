import {MaestroError, UsageError} from '../domain/errors.js'
import type {DeleteResult} from '../domain/registry.js'
import {askParameter} from '../ui/prompt.js'

/**
 * Without a terminal there is no one to ask before deleting: the caller must say `--yes`.
 * Checked before anything is read, so a script learns it at once.
 */
export function assertCanConfirm(ref: string, interactive: boolean): void {
  if (!interactive) {
    throw new UsageError(
      `deleting ${ref} needs confirmation and there is no terminal to ask on: pass --yes`,
      {
        ref,
      },
    )
  }
}

/**
 * Asks a person whether to delete `what` (default no). Declining ends the command with
 * exit 1 and nothing deleted; Ctrl-C at the prompt is an abort (exit 130).
 *
 * @example
 * ```ts
 * await confirmDeletion('public/fastapi-service')
 * ```
 */
export async function confirmDeletion(what: string): Promise<void> {
  const yes = await askParameter(
    {
      name: 'delete',
      type: 'boolean',
      prompt: `Delete ${what}?`,
      description: 'every version (git history keeps them)',
    },
    false,
  )
  if (yes !== true) {
    throw new MaestroError(`not deleted: ${what} is kept`, {code: 'DECLINED', status: 400, exitCode: 1})
  }
}

/** Where a delete command deletes from: the registry's templates, or its workflows. */
export interface Deletable {
  get(ref: string): Promise<{namespace: string; name: string; version: string}>
  delete(ref: string): Promise<DeleteResult>
}

/**
 * What `delete` and `workflow delete` do: unless `yes`, make sure there is a terminal
 * (before opening anything), open the store, show what `ref` names and ask; then delete.
 *
 * @example
 * ```ts
 * await deleteAfterConfirming('my-workflow', {yes: false, interactive: true, kind: 'workflow', open: () => this.workflows()})
 * ```
 */
export async function deleteAfterConfirming(
  ref: string,
  opts: {yes: boolean; interactive: boolean; kind: 'template' | 'workflow'; open: () => Promise<Deletable>},
): Promise<DeleteResult> {
  if (!opts.yes) assertCanConfirm(ref, opts.interactive)
  const store = await opts.open()
  if (!opts.yes) {
    const detail = await store.get(ref)
    // A template is named as refs are everywhere; a workflow says so.
    const prefix = opts.kind === 'workflow' ? 'workflow ' : ''
    await confirmDeletion(`${prefix}${detail.namespace}/${detail.name}@${detail.version}`)
  }
  return store.delete(ref)
}
