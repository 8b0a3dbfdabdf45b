import semver from 'semver'

import {WORKFLOW_CATEGORY} from '../../domain/manifest.js'
import {CATEGORIES, isCategory} from '../../domain/types.js'
import {DESCRIPTION_CHARS_FULL, DESCRIPTION_CHARS_HALF, DESCRIPTION_WORDS_FULL, TAGS_FULL} from '../rules.js'
import {countWords} from '../markdown.js'
import {atManifest, outcome, type RuleOutcome, type ScoreContext} from './context.js'

/** metadata (20): the manifest tells a reader what the template is, who owns it and what each parameter means. */
export function checkMetadata(ctx: ScoreContext): RuleOutcome[] {
  const m = ctx.template.manifest
  const results: RuleOutcome[] = []

  const description = (m.description ?? '').trim()
  const words = countWords(description)
  if (description.length >= DESCRIPTION_CHARS_FULL && words >= DESCRIPTION_WORDS_FULL) {
    results.push(outcome('metadata.description', 1))
  } else {
    results.push(
      outcome('metadata.description', description.length >= DESCRIPTION_CHARS_HALF ? 0.5 : 0, [
        atManifest(ctx, ['description'], {
          message: `description is too short (${description.length} characters, ${words} words)`,
          recommendation: `describe in a sentence of ${DESCRIPTION_WORDS_FULL}+ words what the template generates and what is in it`,
        }),
      ]),
    )
  }

  results.push(
    fieldSet(
      ctx,
      'metadata.author',
      'author',
      m.author,
      'set author to the person or team who maintains the template',
    ),
    fieldSet(
      ctx,
      'metadata.license',
      'license',
      m.license,
      'set license to an SPDX identifier such as MIT or Apache-2.0',
    ),
  )

  const tags = m.tags ?? []
  results.push(
    tags.length >= TAGS_FULL
      ? outcome('metadata.tags', 1)
      : outcome('metadata.tags', tags.length / TAGS_FULL, [
          atManifest(ctx, ['tags'], {
            message: `manifest has ${tags.length} tag${tags.length === 1 ? '' : 's'}`,
            recommendation: `add at least ${TAGS_FULL} tags (language, framework, kind of project) so the template can be found`,
          }),
        ]),
  )

  results.push(
    isCategory(m.category) || m.category === WORKFLOW_CATEGORY
      ? outcome('metadata.category', 1)
      : outcome('metadata.category', 0, [
          atManifest(ctx, ['category'], {
            message: `category ${JSON.stringify(m.category)} is not a known category`,
            recommendation: `use one of ${CATEGORIES.join(', ')}`,
          }),
        ]),
  )

  const params = m.parameters ?? []
  const undescribed = params.map((p, index) => ({p, index})).filter(({p}) => !(p.description ?? '').trim())
  results.push(
    outcome(
      'metadata.parameter-descriptions',
      params.length === 0 ? 1 : (params.length - undescribed.length) / params.length,
      undescribed.map(({p, index}) =>
        atManifest(ctx, ['parameters', index], {
          message: `parameter ${p.name} has no description`,
          recommendation: `describe parameter ${p.name}: it is shown when prompting and in the registry`,
        }),
      ),
    ),
  )

  results.push(
    semver.valid(m.version)
      ? outcome('metadata.version', 1)
      : outcome('metadata.version', 0, [
          atManifest(ctx, ['version'], {
            message: `version ${JSON.stringify(m.version)} is not semver`,
            recommendation: 'use a semver version such as 1.0.0',
          }),
        ]),
  )
  return results
}

/** All or nothing: a manifest field that must hold some text. */
function fieldSet(
  ctx: ScoreContext,
  rule: string,
  key: string,
  value: string | undefined,
  recommendation: string,
): RuleOutcome {
  if ((value ?? '').trim()) return outcome(rule, 1)
  return outcome(rule, 0, [atManifest(ctx, [key], {message: `manifest has no ${key}`, recommendation})])
}
