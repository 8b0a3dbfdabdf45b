/**
 * Template migrations (`migrations:` in manifest.yaml): renamed parameters, moved and
 * obsolete paths, declared as data by the version that made the change.
 */
import semver from 'semver'

import {RenderError, UnsafePathError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import {ownRecord} from '../domain/records.js'
import type {AnswerValue, Answers, Manifest, Migration} from '../domain/types.js'
import {createLiquid, liquidErrorMessage} from '../render/liquid.js'

/**
 * The steps that apply to a project going from `from` to `to`: those of versions newer
 * than `from` and not newer than `to`, oldest first (a parameter renamed twice follows
 * both renames). The target's manifest carries the whole history.
 *
 * @example
 * ```ts
 * migrationsBetween(target.manifest, '1.0.0', '2.1.0') // steps of 1.0.1 … 2.1.0
 * ```
 */
export function migrationsBetween(target: Manifest, from: string, to: string): Migration[] {
  return (target.migrations ?? [])
    .map((step, i) => ({step, i}))
    .filter(({step}) => semver.gt(step.version, from) && semver.lte(step.version, to))
    .sort((a, b) => semver.compare(a.step.version, b.step.version) || a.i - b.i)
    .map(({step}) => step)
}

/** The recorded answers under the target's parameter names. */
export function migrateAnswers(answers: Answers, steps: readonly Migration[]): Answers {
  const out: Answers = Object.assign(ownRecord<AnswerValue>(), answers)
  for (const step of steps) {
    const rename = step.rename_parameter
    if (!rename || !Object.hasOwn(out, rename.from)) continue
    if (!Object.hasOwn(out, rename.to)) out[rename.to] = out[rename.from]!
    delete out[rename.from]
  }
  return out
}

/**
 * The moves and deletes of `steps` as project paths: `{{ }}` in them is rendered over
 * the answers (the target's parameters, unanswered ones nil), as file names are.
 */
export async function migrationPaths(
  steps: readonly Migration[],
  answers: Answers,
  manifest: Manifest,
  prefix: string,
): Promise<{moves: {from: string; to: string}[]; deletes: string[]}> {
  const liquid = createLiquid()
  const context: Record<string, unknown> = {}
  const define = (key: string, value: unknown) =>
    Object.defineProperty(context, key, {value, enumerable: true, writable: true, configurable: true})
  for (const p of manifest.parameters) define(p.name, null)
  for (const [key, value] of Object.entries(answers)) define(key, value)
  define('maestro', {template: manifest.name, version: manifest.version, year: new Date().getFullYear()})
  const render = async (path: string): Promise<string> => {
    let out = path
    if (path.includes('{{') || path.includes('{%')) {
      try {
        out = String(await liquid.parseAndRender(path, context, {renderLimit: 1000}))
      } catch (err) {
        throw new RenderError(`migration path ${JSON.stringify(path)}: ${liquidErrorMessage(err)}`, {
          file: 'manifest.yaml',
        })
      }
    }
    try {
      assertSafeRelativePath(out, 'migration path')
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err
      throw new UnsafePathError(out, `${String(err.data.reason)} (migrations in manifest.yaml)`)
    }
    return prefix + out
  }
  const moves: {from: string; to: string}[] = []
  const deletes: string[] = []
  for (const step of steps) {
    if (step.move) moves.push({from: await render(step.move.from), to: await render(step.move.to)})
    if (step.delete !== undefined) deletes.push(await render(step.delete))
  }
  return {moves, deletes}
}
