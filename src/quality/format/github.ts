import type {QualityReport, Severity} from '../types.js'
import {findingPath, type LocationOptions} from './paths.js'
import {gateMessage, headline} from './text.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', note: 'notice'}

/**
 * GitHub Actions workflow commands: an `::error` / `::warning` / `::notice`
 * annotation per finding, at its file (relative to `baseDir`, the repository root)
 * and line, then one plain summary line per template. An annotation for the gate
 * itself is added when a template is below the minimum.
 *
 * @example
 * ```ts
 * formatGithub([report], {baseDir: repo, sources: new Map([[report.template, dir]])})
 * // ::warning file=templates/x/README.md,line=12,title=x%3A Documentation::README has no usage section%0A→ add ...
 * // x 1.0.0: 82/100 (minimum 70) passed
 * ```
 */
export function formatGithub(reports: readonly QualityReport[], opts: LocationOptions = {}): string {
  const lines: string[] = []
  for (const report of reports) {
    for (const check of report.checks) {
      for (const finding of check.findings) {
        const props: [string, string | number | undefined][] = [
          ['file', findingPath(report, finding, opts)],
          ['line', finding.line],
          ['col', finding.line === undefined ? undefined : finding.column],
          ['title', `${report.template}: ${check.title}`],
        ]
        const message = finding.recommendation
          ? `${finding.message}\n→ ${finding.recommendation}`
          : finding.message
        lines.push(command(COMMAND[finding.severity], props, message))
      }
    }
    if (!report.passed) {
      lines.push(
        command(
          'error',
          [
            ['file', findingPath(report, {}, opts)],
            ['title', `${report.template}: quality gate`],
          ],
          gateMessage(report),
        ),
      )
    }
  }
  for (const report of reports) {
    lines.push(`${headline(report)} ${report.passed ? 'passed' : 'FAILED'}`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * One workflow command line, escaped the way the Actions runner unescapes it.
 *
 * @example
 * ```ts
 * command('error', [['file', 'a,b.txt'], ['line', 3]], '50% done\nnext') // '::error file=a%2Cb.txt,line=3::50%25 done%0Anext'
 * ```
 */
export function command(
  name: string,
  props: [string, string | number | undefined][],
  message: string,
): string {
  const list = props
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',')
  return `::${name}${list ? ` ${list}` : ''}::${escapeData(message)}`
}

/** Message text: `%`, CR and LF (the runner would otherwise end the command at a newline). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Property values: as message text, plus `:` and `,` which delimit properties. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}
