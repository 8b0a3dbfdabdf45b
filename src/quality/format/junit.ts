import type {CheckResult, Finding, QualityReport} from '../types.js'
import {formatPoints, gateMessage} from './text.js'

/**
 * JUnit XML, the format every CI system reads (Jenkins, GitLab, Azure DevOps,
 * GitHub test reporters): a `testsuite` per template, a `testcase` per check plus
 * one for the minimum score, so a build that fails the gate never shows green tests.
 * A failed check carries a `<failure>` with its findings and recommendations; a check
 * that passed with warnings carries them in `<system-out>`. Test case names are the
 * stable check ids so that CI history lines up from run to run.
 *
 * @example
 * ```ts
 * formatJunit([report])
 * // <?xml version="1.0" encoding="UTF-8"?>
 * // <testsuites name="maestro-tpl quality" tests="6" failures="1" errors="0" time="0.012">
 * //   <testsuite name="fastapi-service" tests="6" failures="1" ...>
 * //     <testcase name="documentation" classname="maestro-tpl.quality.fastapi-service">
 * //       <failure message="documentation 12/30: fail" type="quality.documentation">...</failure>
 * ```
 */
export function formatJunit(reports: readonly QualityReport[]): string {
  const suites = reports.map(suite)
  const tests = suites.reduce((n, s) => n + s.tests, 0)
  const failures = suites.reduce((n, s) => n + s.failures, 0)
  const time = seconds(reports.reduce((t, r) => t + r.durationMs, 0))
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="maestro-tpl quality" tests="${tests}" failures="${failures}" errors="0" time="${time}">`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n')
}

function suite(report: QualityReport): {xml: string; tests: number; failures: number} {
  const classname = `maestro-tpl.quality.${report.template}`
  const cases = report.checks.map((check) => checkCase(check, classname))
  cases.push(gateCase(report, classname))
  const failures = report.checks.filter((c) => c.status === 'fail').length + (report.passed ? 0 : 1)
  const properties = [
    ['version', report.version],
    ['score', String(report.score)],
    ['minimum', String(report.minScore)],
    ['passed', String(report.passed)],
    ...(report.cap ? [['capped-by', report.cap.rules.join(',')]] : []),
  ]
  const xml = [
    `  <testsuite name="${attr(report.template)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(report.durationMs)}">`,
    '    <properties>',
    ...properties.map(([name, value]) => `      <property name="${attr(name!)}" value="${attr(value!)}"/>`),
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n')
  return {xml, tests: cases.length, failures}
}

function checkCase(check: CheckResult, classname: string): string {
  const open = `    <testcase name="${attr(check.id)}" classname="${attr(classname)}">`
  const summary = `${check.id} ${formatPoints(check.points)}/${check.weight}: ${check.status}`
  if (check.status === 'fail') {
    return [
      open,
      `      <failure message="${attr(summary)}" type="quality.${check.id}">${text(details(check) || summary)}</failure>`,
      '    </testcase>',
    ].join('\n')
  }
  if (check.findings.length > 0) {
    return [
      open,
      `      <system-out>${text(`${summary}\n${details(check)}`)}</system-out>`,
      '    </testcase>',
    ].join('\n')
  }
  return `${open.slice(0, -1)}/>`
}

function gateCase(report: QualityReport, classname: string): string {
  const open = `    <testcase name="score" classname="${attr(classname)}">`
  if (report.passed) return `${open.slice(0, -1)}/>`
  const message = gateMessage(report)
  const weakest = report.checks
    .filter((c) => c.status !== 'pass')
    .map((c) => `${c.id}: ${formatPoints(c.points)}/${c.weight} (${c.status})`)
  return [
    open,
    `      <failure message="${attr(message)}" type="quality.score">${text([message, ...weakest].join('\n'))}</failure>`,
    '    </testcase>',
  ].join('\n')
}

function details(check: CheckResult): string {
  return check.findings
    .map((f) => `${location(f)}${f.message}${f.recommendation ? `\n  → ${f.recommendation}` : ''}`)
    .join('\n')
}

function location(f: Finding): string {
  return f.file
    ? `${[f.file, f.line, f.line === undefined ? undefined : f.column].filter((p) => p !== undefined).join(':')}: `
    : ''
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3)
}

/**
 * Drops what XML 1.0 cannot hold even escaped (C0 controls but tab, newline and
 * return; lone surrogates; U+FFFE and U+FFFF). Rendered output and error messages
 * can carry them, and one would make the whole report unreadable to CI.
 */
function xmlChars(value: string): string {
  let out = ''
  for (const ch of value) {
    const c = ch.codePointAt(0)!
    const allowed =
      c === 0x9 ||
      c === 0xa ||
      c === 0xd ||
      (c >= 0x20 && c <= 0xd7ff) ||
      (c >= 0xe000 && c <= 0xfffd) ||
      c >= 0x10000
    if (allowed) out += ch
  }
  return out
}

/** Element text: markup characters escaped, impossible characters dropped. */
export function text(value: string): string {
  return xmlChars(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Attribute value (always double-quoted): also quotes, and whitespace that attribute normalisation would flatten. */
export function attr(value: string): string {
  return text(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}
