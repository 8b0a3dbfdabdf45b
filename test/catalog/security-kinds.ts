/**
 * Checkers for the security catalog's own kinds of file (templates_storage/security_specialist),
 * kept apart from kinds.ts: security.txt (RFC 9116), Content-Security-Policy headers
 * (Google's CSP Evaluator, npm csp_evaluator) and Kyverno CLI tests (what they name exists).
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

import {CspEvaluator} from 'csp_evaluator/dist/evaluator.js'
import {Severity} from 'csp_evaluator/dist/finding.js'
import {CspParser} from 'csp_evaluator/dist/parser.js'
import {parseAllDocuments} from 'yaml'

import {type Checked, type Finding, none} from './tools.js'

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

/** The fields RFC 9116 (section 2.5) defines, with how often each may appear. */
const SECURITY_TXT_FIELDS: Record<string, {once: boolean; uri: boolean}> = {
  acknowledgments: {once: false, uri: true},
  canonical: {once: false, uri: true},
  contact: {once: false, uri: true},
  encryption: {once: false, uri: true},
  expires: {once: true, uri: false},
  hiring: {once: false, uri: true},
  policy: {once: false, uri: true},
  'preferred-languages': {once: true, uri: false},
}

/**
 * `security.txt` files held to RFC 9116 (there is no checker for it on npm or in Debian; the
 * rules are the RFC's own, section 2): every line a comment, blank or `Field: value`; only the
 * fields the RFC defines, `Expires` and `Preferred-Languages` at most once; at least one
 * `Contact`; exactly one `Expires`, an RFC 3339 date-time in the future and, as the RFC
 * recommends, less than a year ahead; web URIs over https (2.5: "MUST begin with https://"),
 * Contact also mailto: or tel:. An unsigned file only: a PGP-signed one is read by its signer.
 */
export function checkSecurityTxt(dir: string, files: string[]): Checked {
  const texts = files.filter((f) => /(^|\/)security\.txt$/.test(f))
  if (texts.length === 0) return none()
  const findings: Finding[] = []
  for (const file of texts) {
    const problems: string[] = []
    if (!/(^|\/)\.well-known\/security\.txt$/.test(file)) problems.push('not under .well-known/ (RFC 9116 3)')
    const seen = new Map<string, string[]>()
    read(dir, file)
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (line.trim() === '' || line.startsWith('#')) return
        const match = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(\S.*)$/.exec(line)
        if (!match) return void problems.push(`line ${i + 1}: not "Field: value": ${line}`)
        const name = match[1]!.toLowerCase()
        const value = match[2]!.trim()
        const field = SECURITY_TXT_FIELDS[name]
        if (!field) return void problems.push(`line ${i + 1}: ${match[1]} is not a field of RFC 9116`)
        seen.set(name, [...(seen.get(name) ?? []), value])
        if (field.uri) {
          const allowed =
            name === 'contact' ? /^(https:\/\/\S+|mailto:[^@\s]+@[^@\s]+|tel:\+?[\d-]+)$/ : /^https:\/\/\S+$/
          if (!allowed.test(value) && !(name === 'encryption' && /^(dns|openpgp4fpr):\S+$/.test(value)))
            problems.push(`line ${i + 1}: ${match[1]} is not an allowed URI: ${value}`)
        }
        if (
          name === 'preferred-languages' &&
          !/^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*(\s*,\s*[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*)*$/.test(value)
        )
          problems.push(`line ${i + 1}: Preferred-Languages is not a list of language tags: ${value}`)
      })
    for (const [name, values] of seen)
      if (SECURITY_TXT_FIELDS[name]!.once && values.length > 1)
        problems.push(`${name} appears ${values.length} times`)
    if (!seen.has('contact')) problems.push('no Contact field (required)')
    const expires = seen.get('expires')
    if (!expires) problems.push('no Expires field (required)')
    else {
      const value = expires[0]!
      const when = Date.parse(value)
      if (
        !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ||
        Number.isNaN(when)
      )
        problems.push(`Expires is not an RFC 3339 date-time: ${value}`)
      else if (when <= Date.now()) problems.push(`Expires is in the past: ${value}`)
      else if (when - Date.now() > 366 * 24 * 3600 * 1000)
        problems.push(`Expires is more than a year ahead: ${value}`)
    }
    if (problems.length > 0) findings.push({check: `RFC 9116 ${file}`, output: problems.join('\n')})
  }
  return {ran: [`RFC 9116 security.txt (${texts.length})`], findings}
}

/** A Content-Security-Policy set by nginx: `add_header Content-Security-Policy[-Report-Only] "..."`. */
const NGINX_CSP = /^\s*add_header\s+Content-Security-Policy(?:-Report-Only)?\s+(["'])(.*?)\1/gm

/**
 * Every Content-Security-Policy an nginx configuration sends, evaluated by Google's CSP
 * Evaluator (the engine of csp-evaluator.withgoogle.com): a finding of severity HIGH,
 * SYNTAX, MEDIUM or HIGH_MAYBE (a bypass through an allowlisted host) fails. The weaker
 * findings ('self' may host JSONP, no strict-dynamic) are advice, not defects.
 */
export function checkContentSecurityPolicies(dir: string, files: string[]): Checked {
  const policies: {file: string; policy: string}[] = []
  for (const file of files.filter((f) => f.endsWith('.conf') || /(^|\/)nginx\.conf$/.test(f))) {
    for (const match of read(dir, file).matchAll(NGINX_CSP)) policies.push({file, policy: match[2]!})
  }
  if (policies.length === 0) return none()
  const findings: Finding[] = []
  for (const {file, policy} of policies) {
    const problems = new CspEvaluator(new CspParser(policy).csp)
      .evaluate()
      .filter((f) => f.severity <= Severity.HIGH_MAYBE)
      .map((f) => `${Severity[f.severity]} ${f.directive}: ${f.description}`)
    if (problems.length > 0) findings.push({check: `CSP Evaluator ${file}`, output: problems.join('\n')})
  }
  return {ran: [`CSP Evaluator (${policies.length})`], findings}
}

interface KyvernoTest {
  policies?: string[]
  resources?: string[]
  results?: {policy: string; rule?: string; resources?: string[]; kind?: string}[]
}

/** The documents of a YAML file, as plain values (unparseable documents are left to the YAML check). */
const yamlValues = (dir: string, file: string): Record<string, unknown>[] =>
  parseAllDocuments(read(dir, file)).flatMap((d) =>
    d.errors.length === 0 && d.contents ? [d.toJS() as Record<string, unknown>] : [],
  )

/**
 * Kyverno CLI tests (`kind: Test`, cli.kyverno.io): their shape is checked by the Kubernetes
 * check against crd-schemas/; here, that what they name is there: every policy and resource
 * file exists, and every expected result names a policy of those files, a rule of that
 * policy and resources of that kind in the resource files. A test naming a rule that was
 * renamed would otherwise fail only when someone runs `kyverno test`.
 */
export function checkKyvernoTests(dir: string, files: string[]): Checked {
  const tests = files
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((file) =>
      yamlValues(dir, file)
        .filter(
          (v) =>
            typeof v.apiVersion === 'string' &&
            v.apiVersion.startsWith('cli.kyverno.io/') &&
            v.kind === 'Test',
        )
        .map((test): {file: string; test: KyvernoTest} => ({file, test})),
    )
  if (tests.length === 0) return none()
  const findings: Finding[] = []
  for (const {file, test} of tests) {
    const problems: string[] = []
    const load = (paths: string[] = []) =>
      paths.flatMap((path) => {
        const target = join(dirname(file), path).replace(/\\/g, '/')
        if (!files.includes(target)) {
          problems.push(`names ${path}, which is not in the project`)
          return []
        }
        return yamlValues(dir, target)
      })
    const policies = new Map<string, Set<string>>()
    for (const policy of load(test.policies)) {
      const name = (policy.metadata as {name?: string} | undefined)?.name
      const rules = ((policy.spec as {rules?: {name: string}[]} | undefined)?.rules ?? []).map((r) => r.name)
      if (name) policies.set(name, new Set(rules))
    }
    const resources = new Set(
      load(test.resources).map(
        (r) => `${String(r.kind)}/${String((r.metadata as {name?: string} | undefined)?.name)}`,
      ),
    )
    for (const result of test.results ?? []) {
      const rules = policies.get(result.policy)
      if (!rules) problems.push(`result for policy ${result.policy}, which no policy file defines`)
      else if (result.rule && !rules.has(result.rule))
        problems.push(`result for rule ${result.policy}/${result.rule}, which that policy has not`)
      for (const name of result.resources ?? []) {
        if (!resources.has(`${result.kind ?? 'Pod'}/${name}`))
          problems.push(`result for ${result.kind ?? 'Pod'} ${name}, which no resource file holds`)
      }
    }
    if (problems.length > 0) findings.push({check: `Kyverno test ${file}`, output: problems.join('\n')})
  }
  return {ran: [`Kyverno test references (${tests.length})`], findings}
}
