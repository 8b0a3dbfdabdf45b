import {table} from '../ui/table.js'
import {formatPoints} from './format/text.js'
import type {
  CategoryQuality,
  FailingTemplate,
  RegistryQualityReport,
  RegistryQualityRow,
} from '../domain/quality.js'

export type {CategoryQuality, FailingTemplate, RegistryQualityReport, RegistryQualityRow}

/**
 * Registry-wide quality: per category the number of templates, the mean score and
 * the templates below the minimum with their weakest check, plus totals. Pure and
 * deterministic (sorted by category; failing templates by score, then namespace and
 * name), so the CLI and GET /api/v1/quality/report give the same answer.
 *
 * @example
 * ```ts
 * const report = buildRegistryReport(
 *   [{name: 'api', namespace: 'public', category: 'backend_developer', score: 62, weakest: {id: 'examples', points: 4, weight: 20}}],
 *   70,
 * )
 * report.categories[0].failing[0].weakest?.id // 'examples'
 * ```
 */
export function buildRegistryReport(
  rows: readonly RegistryQualityRow[],
  minScore: number,
): RegistryQualityReport {
  const byCategory = new Map<string, RegistryQualityRow[]>()
  for (const row of rows) {
    const list = byCategory.get(row.category)
    if (list) list.push(row)
    else byCategory.set(row.category, [row])
  }
  const categories = [...byCategory.keys()].sort(compare).map((category): CategoryQuality => {
    const members = byCategory.get(category)!
    const scores = members.map((m) => m.score).filter((s): s is number => s !== null)
    const failing = members
      .filter((m): m is RegistryQualityRow & {score: number} => m.score !== null && m.score < minScore)
      .sort((a, b) => a.score - b.score || compare(a.namespace, b.namespace) || compare(a.name, b.name))
      .map((m) => ({
        namespace: m.namespace,
        name: m.name,
        score: m.score,
        ...(m.weakest
          ? {weakest: {id: m.weakest.id, points: m.weakest.points, weight: m.weakest.weight}}
          : {}),
      }))
    return {
      category,
      count: members.length,
      scored: scores.length,
      meanScore: mean(scores),
      passing: scores.length - failing.length,
      failing,
    }
  })
  const scores = rows.map((r) => r.score).filter((s): s is number => s !== null)
  const failing = categories.reduce((n, c) => n + c.failing.length, 0)
  return {
    minScore,
    totals: {
      templates: rows.length,
      scored: scores.length,
      unscored: rows.length - scores.length,
      passing: scores.length - failing,
      failing,
      meanScore: mean(scores),
    },
    categories,
  }
}

/**
 * The registry report as text: a table of categories, then the failing templates.
 *
 * @example
 * ```ts
 * console.log(formatRegistryReport(report))
 * // CATEGORY           TEMPLATES  MEAN  PASSING  FAILING
 * // backend_developer           3  84.3        2        1
 * // ...
 * ```
 */
export function formatRegistryReport(report: RegistryQualityReport): string {
  const t = report.totals
  const rows = [
    ...report.categories.map((c) => ({
      category: c.category,
      templates: String(c.count),
      mean: c.meanScore === null ? '-' : c.meanScore.toFixed(1),
      passing: String(c.passing),
      failing: String(c.failing.length),
    })),
    {
      category: 'all',
      templates: String(t.templates),
      mean: t.meanScore === null ? '-' : t.meanScore.toFixed(1),
      passing: String(t.passing),
      failing: String(t.failing),
    },
  ]
  const lines = [
    table(rows, [
      {key: 'category', header: 'CATEGORY'},
      {key: 'templates', header: 'TEMPLATES', align: 'right'},
      {key: 'mean', header: 'MEAN', align: 'right'},
      {key: 'passing', header: 'PASSING', align: 'right'},
      {key: 'failing', header: 'FAILING', align: 'right'},
    ]),
  ]
  if (t.unscored > 0)
    lines.push('', `${t.unscored} template${t.unscored === 1 ? ' has' : 's have'} no score yet`)
  const failing = report.categories.flatMap((c) => c.failing.map((f) => ({...f, category: c.category})))
  if (failing.length === 0) {
    lines.push('', `every scored template reaches the minimum of ${report.minScore}`)
  } else {
    lines.push(
      '',
      `below the minimum of ${report.minScore}:`,
      table(
        failing.map((f) => ({
          template: `${f.namespace}/${f.name}`,
          category: f.category,
          score: String(f.score),
          weakest: f.weakest ? `${f.weakest.id} ${formatPoints(f.weakest.points)}/${f.weakest.weight}` : '-',
        })),
        [
          {key: 'template', header: 'TEMPLATE'},
          {key: 'category', header: 'CATEGORY'},
          {key: 'score', header: 'SCORE', align: 'right'},
          {key: 'weakest', header: 'WEAKEST CHECK'},
        ],
      ),
    )
  }
  return lines.join('\n')
}

function mean(values: number[]): number | null {
  if (values.length === 0) return null
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10
}

/** Code-point order, independent of the locale, so reports sort the same everywhere. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
