import {table} from '../../ui/table.js'
import type {CheckResult, CheckStatus, Finding, QualityReport} from '../types.js'

export interface TextOptions {
  /** ANSI colours; by default only on a terminal that has them (not with NO_COLOR or FORCE_COLOR=0). */
  color?: boolean | undefined
}

const ICONS: Record<CheckStatus, string> = {pass: '✔', warning: '⚠', fail: '✖'}
const COLORS: Record<CheckStatus, number> = {pass: 32, warning: 33, fail: 31}
const SHORT: Record<CheckResult['id'], string> = {
  documentation: 'DOCS',
  examples: 'EXAMPLES',
  metadata: 'META',
  structure: 'STRUCT',
  dependencies: 'DEPS',
}

/**
 * Human report. One template: every check with its status, points and findings,
 * each finding with its recommendation. Several: a summary table, then the details
 * of the templates that did not pass, then totals.
 *
 * @example
 * ```ts
 * console.log(formatText([report], {color: false}))
 * // fastapi-service 1.0.0: 92/100 (minimum 70) PASSED
 * //   ✔ Documentation  28/30  pass
 * //       README.md:14  README "Parameters" section does not mention port
 * //         → describe port in the README "Parameters" section
 * ```
 */
export function formatText(reports: readonly QualityReport[], opts: TextOptions = {}): string {
  // hasColors() honours NO_COLOR, FORCE_COLOR=0 and TERM=dumb.
  const color = opts.color ?? (process.stdout.isTTY === true && process.stdout.hasColors())
  if (reports.length === 1) return formatOne(reports[0]!, color)
  if (reports.length === 0) return 'no templates to validate'
  const failed = reports.filter((r) => !r.passed)
  return [
    formatSummaryTable(reports),
    ...failed.map((r) => `\n${formatOne(r, color)}`),
    `\n${reports.length} templates: ${reports.length - failed.length} passed, ${failed.length} below the minimum`,
  ].join('\n')
}

/**
 * One row per template: score, minimum, result and each check's points. Plain
 * aligned text, no colours, so it reads the same in a terminal and in a CI log.
 *
 * @example
 * ```ts
 * formatSummaryTable(reports)
 * // TEMPLATE         VERSION  SCORE  MIN  RESULT  DOCS  EXAMPLES  META  STRUCT  DEPS
 * // fastapi-service  1.0.0       92   70  passed    28        14    20      15    15
 * ```
 */
export function formatSummaryTable(reports: readonly QualityReport[]): string {
  const rows = reports.map((r) => ({
    template: r.template,
    version: r.version,
    score: String(r.score),
    min: String(r.minScore),
    result: r.passed ? 'passed' : 'FAILED',
    ...Object.fromEntries(
      r.checks.map((c) => [
        c.id,
        `${formatPoints(c.points)}${c.status === 'pass' ? '' : ` ${ICONS[c.status]}`}`,
      ]),
    ),
  }))
  type Row = (typeof rows)[number] & Record<CheckResult['id'], string>
  const checkIds = reports[0]?.checks.map((c) => c.id) ?? []
  return table<Row>(rows as Row[], [
    {key: 'template', header: 'TEMPLATE'},
    {key: 'version', header: 'VERSION'},
    {key: 'score', header: 'SCORE', align: 'right'},
    {key: 'min', header: 'MIN', align: 'right'},
    {key: 'result', header: 'RESULT'},
    ...checkIds.map((id) => ({key: id, header: SHORT[id], align: 'right' as const})),
  ])
}

function formatOne(report: QualityReport, color: boolean): string {
  const paint = (code: number, text: string) => (color ? `\u001B[${code}m${text}\u001B[0m` : text)
  const verdict = report.passed ? paint(32, 'PASSED') : paint(31, 'FAILED')
  const lines = [`${headline(report)} ${verdict}`]
  const titleWidth = Math.max(...report.checks.map((c) => c.title.length))
  const pointsWidth = Math.max(...report.checks.map((c) => `${formatPoints(c.points)}/${c.weight}`.length))
  for (const check of report.checks) {
    const points = `${formatPoints(check.points)}/${check.weight}`.padStart(pointsWidth)
    lines.push(
      `  ${paint(COLORS[check.status], ICONS[check.status])} ${check.title.padEnd(titleWidth)}  ${points}  ${check.status}`,
    )
    for (const finding of check.findings) {
      lines.push(`      ${finding.severity === 'note' ? '· ' : ''}${where(finding)}${finding.message}`)
      if (finding.recommendation) lines.push(`        → ${finding.recommendation}`)
    }
  }
  return lines.join('\n')
}

/**
 * `name version: score/100 (minimum N)`, saying why when a critical rule capped the score.
 *
 * @example
 * ```ts
 * headline(report) // 'api 1.0.0: 50/100 (minimum 70; capped at 50 by structure.renders)'
 * ```
 */
export function headline(report: QualityReport): string {
  const cap = report.cap ? `; capped at ${report.cap.score} by ${report.cap.rules.join(', ')}` : ''
  return `${report.template}${report.version ? ` ${report.version}` : ''}: ${report.score}/100 (minimum ${report.minScore}${cap})`
}

/** Why a template failed the gate, in one sentence. */
export function gateMessage(report: QualityReport): string {
  const cap = report.cap ? ` (capped at ${report.cap.score}: ${report.cap.rules.join(', ')} failed)` : ''
  return `${report.template} scored ${report.score}${cap}, below the minimum of ${report.minScore}`
}

function where(finding: Finding): string {
  if (!finding.file) return ''
  return `${[finding.file, finding.line, finding.line === undefined ? undefined : finding.column].filter((p) => p !== undefined).join(':')}  `
}

/** Points with at most one decimal: 28, 28.5. */
export function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : points.toFixed(1)
}
