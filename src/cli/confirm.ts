import {MaestroError, UsageError} from '../domain/errors.js'
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
