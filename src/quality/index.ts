/**
 * Quality scoring and gates: score a template (five weighted checks), format the
 * reports for people and CI systems, and summarise the registry.
 *
 * @example
 * ```ts
 * import {formatReports, scoreTemplateDir} from './quality/index.js'
 * const report = await scoreTemplateDir('./my-template')
 * process.stdout.write(formatReports([report], 'text'))
 * ```
 */
export {
  checkStatus,
  reportForInvalid,
  resolveMinScore,
  scoreTemplate,
  scoreTemplateDir,
  scoreTemplateFiles,
  weakestCheck,
  type ScoreOptions,
} from './score.js'
export {
  CHECKS,
  DEFAULT_MIN_SCORE,
  INVALID_TEMPLATE_RULE,
  QUALITY_RULES,
  type QualityCheck,
  type QualityRule,
} from './rules.js'
export {formatReports, REPORT_FORMATS, type FormatOptions, type ReportFormat} from './format/index.js'
export {
  buildRegistryReport,
  formatRegistryReport,
  type CategoryQuality,
  type FailingTemplate,
  type RegistryQualityReport,
  type RegistryQualityRow,
} from './report.js'
export type {CheckId, CheckResult, CheckStatus, Finding, QualityReport, Severity} from './types.js'
