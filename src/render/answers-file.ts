/**
 * Apart from render.ts on purpose: the answers file is written in the calling thread
 * (the CLI's, for `instantiate`), the files are rendered in the render worker, so that
 * thread does not load LiquidJS and picomatch just to write YAML.
 */
import {stringify} from 'yaml'

import {ownRecord} from '../domain/records.js'
import type {Answers, Parameter} from '../domain/types.js'
import type {RenderMeta} from './render.js'

const utf8Encoder = new TextEncoder()

/**
 * The `.maestro-answers.yaml` written into an instantiated project: which template (and
 * the namespace it was read from), version and commit it came from, and the answers (secret parameters left out), so the
 * project can be updated later.
 *
 * @example
 * ```ts
 * files.set('.maestro-answers.yaml', answersFile(meta, answers, manifest.parameters))
 * ```
 */
export function answersFile(
  meta: RenderMeta & {project?: string; namespace?: string},
  answers: Answers,
  params: Parameter[],
): Uint8Array {
  const kept = ownRecord()
  for (const p of params) {
    if (p.secret === true || !Object.hasOwn(answers, p.name)) continue
    kept[p.name] = answers[p.name]
  }
  const body = stringify(
    {
      template: meta.template,
      // The namespace too: a template of the same name in another (a local copy of a bundled one) is another template.
      ...(meta.namespace === undefined ? {} : {namespace: meta.namespace}),
      version: meta.version,
      commit: meta.commit,
      ...(meta.project === undefined ? {} : {project: meta.project}),
      answers: kept,
    },
    {lineWidth: 0},
  )
  return utf8Encoder.encode(
    `# Written by maestro-tpl when this project was created. Keep it to update the project later.\n${body}`,
  )
}
