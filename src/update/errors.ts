/**
 * Why an update refuses to run. Each says what to do instead; the codes reach the CLI's
 * `--json` error and the API's problem+json.
 */
import {MaestroError} from '../domain/errors.js'

/** The folder holds no `.maestro-answers.yaml`. */
export class NotAProjectError extends MaestroError {
  static readonly code = 'NOT_A_PROJECT'
  constructor(dir: string) {
    super(
      `${dir} has no .maestro-answers.yaml: it was not made by maestro-tpl, or the file was removed (restore it from version control)`,
      {code: NotAProjectError.code, status: 422, data: {dir}},
    )
  }
}

/** The project is a git repository with uncommitted changes. */
export class DirtyProjectError extends MaestroError {
  static readonly code = 'PROJECT_DIRTY'
  constructor(dir: string, changed: string[]) {
    const shown =
      changed.slice(0, 10).join(', ') + (changed.length > 10 ? `, and ${changed.length - 10} more` : '')
    super(
      `${dir} has uncommitted changes (${shown}); commit or stash them first so the update can be reviewed and undone, or pass --force`,
      {code: DirtyProjectError.code, status: 409, data: {dir, changed}},
    )
  }
}

/** The target version is older than the one the project records. */
export class DowngradeError extends MaestroError {
  static readonly code = 'UPDATE_DOWNGRADE'
  constructor(template: string, recorded: string, target: string) {
    super(
      `${template} ${target} is older than ${recorded}, the version this project records; update moves forward only (pick --to ${recorded} or newer)`,
      {code: DowngradeError.code, status: 409, data: {template, recorded, target}},
    )
  }
}

/** The version the project was made from is no longer in the registry. */
export class RecordedVersionMissingError extends MaestroError {
  static readonly code = 'RECORDED_VERSION_MISSING'
  constructor(template: string, version: string, reason: string) {
    super(
      `${template}@${version}, the version this project was made from, cannot be found (${reason}); the update needs it to tell your changes from the template's. Publish that version again (maestro-tpl create ./${template} from its git history), or sync the registry that has it`,
      {code: RecordedVersionMissingError.code, status: 409, data: {template, version}},
    )
  }
}

/** An earlier update stopped half way and its journal could not be rolled back. */
export class InterruptedUpdateError extends MaestroError {
  static readonly code = 'UPDATE_INTERRUPTED'
  constructor(dir: string, journal: string, reason: string) {
    super(
      `an earlier update of ${dir} stopped half way and could not be undone automatically (${reason}); its saved files are in ${journal}`,
      {code: InterruptedUpdateError.code, status: 409, data: {dir, journal}},
    )
  }
}

/** Writing the update failed part way (disk full, a name too long...); it was rolled back. */
export class UpdateNotWrittenError extends MaestroError {
  static readonly code = 'UPDATE_NOT_WRITTEN'
  constructor(dir: string, path: string, reason: string) {
    super(`could not write the update of ${dir} (at ${path}: ${reason}); everything was put back as it was`, {
      code: UpdateNotWrittenError.code,
      status: 500,
      data: {dir, path, reason},
    })
  }
}
