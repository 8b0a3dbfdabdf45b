import {isAbsolute} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {Location, Log, ReportingDescriptor, Result} from 'sarif'

import {INVALID_TEMPLATE_RULE, QUALITY_RULES} from '../rules.js'
import type {Finding, QualityReport} from '../types.js'
import {findingPath, type LocationOptions} from './paths.js'
import {gateMessage} from './text.js'

export interface SarifOptions extends LocationOptions {
  /** maestro-tpl's version, shown by code-scanning UIs. */
  toolVersion?: string
}

/** Rule of the result that says a template is below the minimum score. */
export const MIN_SCORE_RULE = 'quality.min-score'

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

/** The driver's rules: the scoring table, plus the two verdicts that are not sub-rules. */
function driverRules(): ReportingDescriptor[] {
  return [
    ...QUALITY_RULES.map((rule) => ({
      id: rule.id,
      shortDescription: {text: rule.title},
      fullDescription: {
        text: `${rule.title}. ${rule.points} points of the ${rule.check} check: ${rule.scoring}.`,
      },
      defaultConfiguration: {level: rule.critical ? ('error' as const) : ('warning' as const)},
      properties: {check: rule.check, points: rule.points, tags: ['quality', rule.check]},
    })),
    {
      id: INVALID_TEMPLATE_RULE,
      shortDescription: {text: 'the template is valid (manifest.yaml parses and matches the schema)'},
      defaultConfiguration: {level: 'error'},
      properties: {tags: ['quality']},
    },
    {
      id: MIN_SCORE_RULE,
      shortDescription: {
        text: 'the template scores at least the minimum (MIN_TEMPLATE_QUALITY_SCORE, default 70)',
      },
      defaultConfiguration: {level: 'error'},
      properties: {tags: ['quality']},
    },
  ]
}

/**
 * SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps, IDEs):
 * one run of the `maestro-tpl` driver whose rules are the quality sub-rules; one
 * result per finding, located at the template file (relative to `baseDir`, via
 * `sources`) and line; one result per template below the minimum score.
 *
 * @example
 * ```ts
 * const log = JSON.parse(formatSarif([report], {baseDir: repo, sources: new Map([[report.template, dir]])}))
 * log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri // 'templates/x/README.md'
 * ```
 */
export function formatSarif(reports: readonly QualityReport[], opts: SarifOptions = {}): string {
  const rules = driverRules()
  const index = new Map(rules.map((r, i) => [r.id, i]))
  const results: Result[] = []
  for (const report of reports) {
    for (const check of report.checks) {
      for (const finding of check.findings) {
        results.push({
          ruleId: finding.rule,
          ...(index.has(finding.rule) ? {ruleIndex: index.get(finding.rule)} : {}),
          level: finding.severity,
          message: {
            text: finding.recommendation
              ? `${finding.message}\n→ ${finding.recommendation}`
              : finding.message,
          },
          locations: [location(report, finding, opts)],
          properties: {template: report.template, check: check.id},
        })
      }
    }
    if (!report.passed) {
      results.push({
        ruleId: MIN_SCORE_RULE,
        ruleIndex: index.get(MIN_SCORE_RULE),
        level: 'error',
        message: {text: gateMessage(report)},
        locations: [location(report, {}, opts)],
        properties: {template: report.template, score: report.score, minimum: report.minScore},
      })
    }
  }
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'maestro-tpl',
            ...(opts.toolVersion ? {version: opts.toolVersion} : {}),
            rules,
          },
        },
        // Columns come from JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          scores: reports.map((r) => ({
            template: r.template,
            version: r.version,
            score: r.score,
            passed: r.passed,
          })),
        },
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

function location(report: QualityReport, finding: Partial<Finding>, opts: LocationOptions): Location {
  const path = findingPath(report, finding, opts)
  return {
    physicalLocation: {
      artifactLocation: {uri: toUri(path)},
      ...(finding.line === undefined
        ? {}
        : {
            region: {
              startLine: finding.line,
              ...(finding.column === undefined ? {} : {startColumn: finding.column}),
            },
          }),
    },
  }
}

/** Relative paths as URI references (template paths hold `{{ }}` and spaces); absolute ones as file: URIs. */
function toUri(path: string): string {
  if (isAbsolute(path)) return pathToFileURL(path).href
  return path.split('/').map(encodeURIComponent).join('/')
}
