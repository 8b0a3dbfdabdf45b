import {basename, isAbsolute, relative, resolve, sep} from 'node:path'
import {performance} from 'node:perf_hooks'

import {InvalidTemplateError, type Issue, UsageError} from '../domain/errors.js'
import {loadTemplateDir, parseTemplate} from '../domain/template.js'
import type {LoadedTemplate, TemplateFiles} from '../domain/types.js'
import {checkDependencies} from './checks/dependencies.js'
import {checkDocumentation} from './checks/documentation.js'
import {checkExamples, loadExamples} from './checks/examples.js'
import {checkMetadata} from './checks/metadata.js'
import {checkStructure} from './checks/structure.js'
import {decode, MANIFEST_FILE, type RuleOutcome, type ScoreContext} from './checks/context.js'
import {yamlLocator} from './locate.js'
import {parseMarkdown} from './markdown.js'
import {
  CHECKS,
  CRITICAL_SCORE_CAP,
  DEFAULT_MIN_SCORE,
  INVALID_TEMPLATE_RULE,
  PASS_RATIO,
  QUALITY_RULES,
  ruleById,
  WARNING_RATIO,
} from './rules.js'
import type {CheckId, CheckResult, CheckStatus, Finding, QualityReport} from './types.js'

export interface ScoreOptions {
  /** Minimum score to pass; defaults to MIN_TEMPLATE_QUALITY_SCORE, else 70. */
  minScore?: number
}

const EVALUATORS: Record<CheckId, (ctx: ScoreContext) => RuleOutcome[] | Promise<RuleOutcome[]>> = {
  documentation: checkDocumentation,
  examples: checkExamples,
  metadata: checkMetadata,
  structure: checkStructure,
  dependencies: checkDependencies,
}

/**
 * Scores a parsed template 0–100 with the five checks of QUALITY_RULES (a template
 * failing a critical rule, one that does not render cleanly, scores at most 50). The score
 * depends only on the template's content (no clock, no randomness, no stored
 * `quality_score`): scoring the same files twice gives the same report, durationMs
 * aside. Renders the template with its defaults and with each examples/*.yaml.
 *
 * @example
 * ```ts
 * const report = await scoreTemplate(await loadTemplateDir('templates_storage/backend_developer/fastapi-service'))
 * report.score  // e.g. 94
 * report.passed // report.score >= 70
 * report.checks.find((c) => c.id === 'documentation')?.recommendations // ['README has no usage section: ...']
 * ```
 */
export async function scoreTemplate(
  template: LoadedTemplate,
  opts: ScoreOptions = {},
): Promise<QualityReport> {
  const started = performance.now()
  const minScore = resolveMinScore(opts.minScore)
  const manifestText = template.files.get(MANIFEST_FILE)
  const ctx: ScoreContext = {
    template,
    manifestAt: manifestText ? yamlLocator(decode(manifestText)) : () => ({}),
    readme: template.readme.trim() ? parseMarkdown(template.readme) : undefined,
    examples: await loadExamples(template),
  }

  const checks: CheckResult[] = []
  const criticalShort: string[] = []
  for (const check of CHECKS) {
    const {result, critical} = toCheckResult(check.id, await EVALUATORS[check.id](ctx))
    checks.push(result)
    criticalShort.push(...critical)
  }
  const total = Math.round(checks.reduce((sum, c) => sum + c.points, 0))
  const score = criticalShort.length > 0 ? Math.min(total, CRITICAL_SCORE_CAP) : total
  return {
    template: template.manifest.name,
    version: template.manifest.version,
    score,
    ...(criticalShort.length > 0 ? {cap: {score: CRITICAL_SCORE_CAP, rules: criticalShort}} : {}),
    minScore,
    passed: score >= minScore,
    checks,
    durationMs: elapsed(started),
  }
}

export interface InvalidReportOptions extends ScoreOptions {
  version?: string
  /** The template folder, so that issue paths that include it become relative to the template. */
  root?: string
}

/**
 * The report of a template whose manifest (or another file) could not be parsed:
 * score 0, every check failed, the problems as findings of the metadata check
 * (other checks are not run: they need a valid manifest). Lets
 * `validate` report a broken template like any other instead of stopping.
 *
 * @example
 * ```ts
 * try {
 *   report = await scoreTemplate(parseTemplate(files))
 * } catch (err) {
 *   if (!(err instanceof InvalidTemplateError)) throw err
 *   report = reportForInvalid('my-template', err.issues)
 * }
 * report.score // 0
 * ```
 */
export function reportForInvalid(
  name: string,
  issues: Issue[],
  opts: InvalidReportOptions = {},
): QualityReport {
  const minScore = resolveMinScore(opts.minScore)
  const checks = CHECKS.map((check): CheckResult => {
    const findings: Finding[] =
      check.id === 'metadata'
        ? issues.map((issue) => ({
            rule: INVALID_TEMPLATE_RULE,
            message: issue.message,
            recommendation: `fix ${templateRelative(issue.file, opts.root)} so that it is valid (see docs/template-format.md)`,
            file: templateRelative(issue.file, opts.root),
            ...(issue.line === undefined ? {} : {line: issue.line}),
            ...(issue.column === undefined ? {} : {column: issue.column}),
            severity: 'error' as const,
          }))
        : []
    return {
      id: check.id,
      title: check.title,
      weight: check.weight,
      points: 0,
      status: 'fail',
      findings,
      recommendations: unique(findings.map((f) => f.recommendation)),
    }
  })
  return {
    template: name,
    version: opts.version ?? '',
    score: 0,
    minScore,
    passed: false,
    checks,
    durationMs: 0,
  }
}

/**
 * Loads a template folder and scores it; an invalid template gives `reportForInvalid`
 * (named after the folder) rather than an exception. What `validate PATH` runs.
 *
 * @example
 * ```ts
 * const report = await scoreTemplateDir('./my-template', {minScore: 80})
 * process.exitCode = report.passed ? 0 : 1
 * ```
 */
export async function scoreTemplateDir(
  dir: string,
  opts: ScoreOptions = {},
  score: (template: LoadedTemplate, opts: ScoreOptions) => Promise<QualityReport> = scoreTemplate,
): Promise<QualityReport> {
  let template: LoadedTemplate
  try {
    template = await loadTemplateDir(dir)
  } catch (err) {
    if (err instanceof InvalidTemplateError)
      return reportForInvalid(basename(resolve(dir)), err.issues, {...opts, root: dir})
    throw err
  }
  return score(template, opts)
}

/**
 * Parses template files (an upload, a stored version) and scores them; an invalid
 * template gives `reportForInvalid`. What the daemon's POST /quality/score runs, with
 * `score` running the checks in its render pool.
 *
 * @example
 * ```ts
 * const report = await scoreTemplateFiles(files, 'upload.tar.gz')
 * ```
 */
export async function scoreTemplateFiles(
  files: TemplateFiles,
  source = 'template',
  opts: ScoreOptions = {},
  score: (template: LoadedTemplate, opts: ScoreOptions) => Promise<QualityReport> = scoreTemplate,
): Promise<QualityReport> {
  let template: LoadedTemplate
  try {
    template = parseTemplate(files, source)
  } catch (err) {
    if (err instanceof InvalidTemplateError)
      return reportForInvalid(source, err.issues, {...opts, root: source})
    throw err
  }
  return score(template, opts)
}

/**
 * The minimum score: the one given, else MIN_TEMPLATE_QUALITY_SCORE, else 70.
 * Throws UsageError when either is not an integer from 0 to 100.
 *
 * @example
 * ```ts
 * resolveMinScore(undefined, {MIN_TEMPLATE_QUALITY_SCORE: '80'}) // 80
 * ```
 */
export function resolveMinScore(explicit?: number, env: NodeJS.ProcessEnv = process.env): number {
  if (explicit !== undefined) {
    if (!Number.isInteger(explicit) || explicit < 0 || explicit > 100) {
      throw new UsageError(`the minimum score must be an integer from 0 to 100, got ${explicit}`)
    }
    return explicit
  }
  const raw = env.MIN_TEMPLATE_QUALITY_SCORE
  if (raw === undefined || raw.trim() === '') return DEFAULT_MIN_SCORE
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 100) {
    throw new UsageError(
      `MIN_TEMPLATE_QUALITY_SCORE must be an integer from 0 to 100, got ${JSON.stringify(raw)}`,
    )
  }
  return value
}

/**
 * The check that lost the largest share of its weight (ties: the heavier check,
 * then report order). What the registry report shows for a failing template.
 *
 * @example
 * ```ts
 * weakestCheck(report) // {id: 'examples', points: 4, weight: 20}
 * ```
 */
export function weakestCheck(
  report: QualityReport,
): {id: CheckId; points: number; weight: number} | undefined {
  let weakest: CheckResult | undefined
  for (const check of report.checks) {
    const ratio = check.points / check.weight
    const best = weakest ? weakest.points / weakest.weight : Infinity
    if (ratio < best || (ratio === best && weakest && check.weight > weakest.weight)) weakest = check
  }
  return weakest && {id: weakest.id, points: weakest.points, weight: weakest.weight}
}

/** Status of a check from its points, a critical rule that fell short failing it outright. */
export function checkStatus(points: number, weight: number, criticalShort = false): CheckStatus {
  if (criticalShort) return 'fail'
  if (points >= weight * PASS_RATIO) return 'pass'
  if (points >= weight * WARNING_RATIO) return 'warning'
  return 'fail'
}

/** A check's result from its rules' outcomes, and which of its critical rules fell short. */
function toCheckResult(id: CheckId, outcomes: RuleOutcome[]): {result: CheckResult; critical: string[]} {
  const check = CHECKS.find((c) => c.id === id)!
  // Walk the table, not the outcomes, so that a rule an evaluator forgot scores nothing rather than silently everything.
  const byRule = new Map(outcomes.map((o) => [o.rule, o]))
  let exact = 0
  const critical: string[] = []
  const ordered: RuleOutcome[] = []
  for (const rule of QUALITY_RULES.filter((r) => r.check === id)) {
    const result = byRule.get(rule.id) ?? {rule: rule.id, ratio: 0, findings: []}
    ordered.push(result)
    exact += rule.points * result.ratio
    if (rule.critical && result.ratio < 1) critical.push(rule.id)
  }
  const points = Math.round(exact * 10) / 10
  const status = checkStatus(points, check.weight, critical.length > 0)
  const findings: Finding[] = ordered.flatMap((o) =>
    o.findings.map(({note, ...draft}) => ({
      rule: o.rule,
      ...draft,
      // Findings are errors where they fail a check (or a critical rule), warnings elsewhere, so CI annotations match the gate.
      severity: note ? 'note' : ruleById(o.rule).critical || status === 'fail' ? 'error' : 'warning',
    })),
  )
  return {
    result: {
      id,
      title: check.title,
      weight: check.weight,
      points,
      status,
      findings,
      recommendations: unique(findings.map((f) => f.recommendation)),
    },
    critical,
  }
}

/** Issue paths may be absolute or carry the folder; findings are relative to the template root. */
function templateRelative(file: string | undefined, root: string | undefined): string {
  if (!file) return MANIFEST_FILE
  if (root && isAbsolute(file)) return relative(resolve(root), file).split(sep).join('/')
  if (root && file.startsWith(`${root}/`)) return file.slice(root.length + 1)
  return file
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))]
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
