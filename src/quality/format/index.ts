import {UsageError} from '../../domain/errors.js'
import type {QualityReport} from '../types.js'
import {formatGithub} from './github.js'
import {formatJson} from './json.js'
import {formatJunit} from './junit.js'
import type {LocationOptions} from './paths.js'
import {formatSarif} from './sarif.js'
import {formatText} from './text.js'

export const REPORT_FORMATS = ['text', 'json', 'junit', 'sarif', 'github'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export interface FormatOptions extends LocationOptions {
  /** text only: ANSI colours (default: when stdout is a terminal and NO_COLOR is unset). */
  color?: boolean
  /** sarif only: maestro-tpl's version for tool.driver.version. */
  toolVersion?: string
}

/**
 * Renders quality reports in one of the `validate --format` formats. `baseDir` (the
 * repository root) and `sources` (template name → folder) let sarif and github
 * point findings at repository paths.
 *
 * @example
 * ```ts
 * const reports = [await scoreTemplateDir('templates/api')]
 * process.stdout.write(formatReports(reports, 'junit', {}))
 * process.stdout.write(formatReports(reports, 'sarif', {baseDir: process.cwd(), sources: new Map([['api', 'templates/api']])}))
 * ```
 */
export function formatReports(
  reports: readonly QualityReport[],
  format: ReportFormat,
  opts: FormatOptions = {},
): string {
  switch (format) {
    case 'text':
      return `${formatText(reports, {color: opts.color})}\n`
    case 'json':
      return formatJson(reports)
    case 'junit':
      return formatJunit(reports)
    case 'sarif':
      return formatSarif(reports, opts)
    case 'github':
      return formatGithub(reports, opts)
    default:
      throw new UsageError(
        `unknown report format ${JSON.stringify(format)}; use one of ${REPORT_FORMATS.join(', ')}`,
      )
  }
}

export {formatGithub, formatJson, formatJunit, formatSarif, formatText}
export {formatSummaryTable} from './text.js'
export type {LocationOptions} from './paths.js'
