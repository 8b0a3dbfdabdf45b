import type {QualityReport} from '../types.js'

/** The `--format json` document: always the same shape, one template or many. */
export interface QualityReportsDocument {
  /** Every template scored at least its minimum. */
  passed: boolean
  reports: QualityReport[]
}

/**
 * Machine-readable reports for scripts: `{passed, reports}` whatever the count, so a
 * script reads `.passed` and `.reports[]` without testing the shape first.
 *
 * @example
 * ```ts
 * JSON.parse(formatJson([report])).reports[0].score // 92
 * ```
 */
export function formatJson(reports: readonly QualityReport[]): string {
  const doc: QualityReportsDocument = {passed: reports.every((r) => r.passed), reports: [...reports]}
  return `${JSON.stringify(doc, null, 2)}\n`
}
