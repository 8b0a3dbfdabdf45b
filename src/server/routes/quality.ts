/**
 * /api/v1/quality: score a template sent in the body (or a published one by reference),
 * and the registry-wide report. The same engine as `maestro-tpl validate`.
 */
import express from 'express'
import type {Router} from 'express'

import type {ScoreResult, TemplateUpload} from '../../domain/wire.js'
import {formatReports, scoreTemplateFiles} from '../../quality/index.js'
import type {ReportFormat} from '../../quality/index.js'
import type {QualityReport} from '../../quality/types.js'
import {defineRoute, mountRoutes, sendBody} from '../route.js'
import type {RouteContext, RouteSpec} from '../route.js'
import {ref} from '../schemas.js'
import type {JsonSchema} from '../schemas.js'
import type {RouterDeps} from '../types.js'
import {uploadedFiles} from '../../archive/upload.js'

const TAG = 'quality'

const minScoreQuery: JsonSchema = {
  type: 'integer',
  minimum: 0,
  maximum: 100,
  description: 'Minimum score to pass (default MIN_TEMPLATE_QUALITY_SCORE, else 70).',
}

const validateBody = {
  schema: ref('ValidateRequest'),
  gzip: true,
  size: 'upload' as const,
  description:
    'The template: JSON with its files, a .tar.gz of its folder, or `{ref}` of a published template.',
}

/** Scores the template of a validate/score body. An invalid template is a report (score 0), not an error. */
async function scoreBody(
  ctx: RouteContext<Record<string, never>, {minScore?: number}, TemplateUpload | {ref: string} | Buffer>,
): Promise<QualityReport> {
  const minScore = ctx.query.minScore ?? ctx.deps.config.minTemplateQualityScore
  const body = ctx.body
  if (!Buffer.isBuffer(body) && 'ref' in body) {
    const {manifest, readme, files} = await ctx.registry.getFiles(body.ref)
    return ctx.deps.renderHost.score({template: {manifest, readme, files}, minScore})
  }
  // Scoring renders the template: in the render pool, with its time and heap limits.
  return scoreTemplateFiles(uploadedFiles(body, ctx.deps.limits), 'upload', {minScore}, (template, opts) =>
    ctx.deps.renderHost.score({template, ...opts}),
  )
}

const REPORT_TYPES: Record<Exclude<ReportFormat, 'json'>, string> = {
  text: 'text/plain; charset=utf-8',
  github: 'text/plain; charset=utf-8',
  junit: 'application/xml; charset=utf-8',
  sarif: 'application/sarif+json; charset=utf-8',
}

export const QUALITY_ROUTES = (): RouteSpec[] => [
  defineRoute<
    Record<string, never>,
    {minScore?: number; format: ReportFormat},
    TemplateUpload | {ref: string} | Buffer
  >({
    method: 'post',
    path: '/api/v1/quality/validate',
    operationId: 'validateTemplate',
    summary: 'Score a template: every check with its findings and recommendations',
    description:
      'Always 200 with a report when the request is well formed: `passed` says whether the score reaches the minimum. `format` gives the report as the CLI would print it (junit and sarif for CI systems).',
    tags: [TAG],
    permission: 'template:use',
    query: {
      minScore: minScoreQuery,
      format: {type: 'string', enum: ['json', 'text', 'junit', 'sarif', 'github'], default: 'json'},
    },
    body: validateBody,
    responses: {
      '200': {
        description: 'The quality report',
        schema: ref('QualityReport'),
        content: {
          'text/plain': {type: 'string'},
          'application/xml': {type: 'string'},
          'application/sarif+json': {type: 'object'},
        },
      },
    },
    handle: async (ctx) => {
      const report = await scoreBody(ctx)
      if (ctx.query.format === 'json') return report
      sendBody(
        ctx.res,
        200,
        REPORT_TYPES[ctx.query.format],
        formatReports([report], ctx.query.format, {color: false}),
      )
      return undefined
    },
  }),
  defineRoute<Record<string, never>, {minScore?: number}, TemplateUpload | {ref: string} | Buffer>({
    method: 'post',
    path: '/api/v1/quality/score',
    operationId: 'scoreTemplate',
    summary: 'Score a template: the score and whether it passes, without the findings',
    tags: [TAG],
    permission: 'template:use',
    query: {minScore: minScoreQuery},
    body: validateBody,
    responses: {'200': {description: 'The score', schema: ref('ScoreResult')}},
    handle: async (ctx): Promise<ScoreResult> => {
      const {template, version, score, minScore, passed, checks} = await scoreBody(ctx)
      return {
        template,
        version,
        score,
        minScore,
        passed,
        // The original service's fields, so its clients read the score as they did.
        template_id: template,
        quality_score: score,
        checks: Object.fromEntries(checks.map((c) => [c.id, c.status])),
        recommendations: checks.flatMap((c) => c.recommendations),
      }
    },
  }),
  defineRoute<Record<string, never>, {minScore?: number}>({
    method: 'get',
    path: '/api/v1/quality/report',
    operationId: 'qualityReport',
    summary:
      'Registry-wide quality: per category the count, mean score and failing templates with their weakest check',
    tags: [TAG],
    permission: 'template:read',
    query: {minScore: minScoreQuery},
    responses: {'200': {description: 'The registry report', schema: ref('RegistryReport')}},
    handle: ({registry, deps, query}) =>
      registry.qualityReport({minScore: query.minScore ?? deps.config.minTemplateQualityScore}),
  }),
]

/**
 * The quality resource.
 *
 * @example
 * ```ts
 * app.use(qualityRouter(deps))
 * ```
 */
export function qualityRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), QUALITY_ROUTES(), deps, deps.validators)
}
