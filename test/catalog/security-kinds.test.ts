/** The security catalog's checkers refuse what their standard refuses (they must be able to fail). */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {afterEach, describe, expect, it} from 'vitest'

import {checkContentSecurityPolicies, checkKyvernoTests, checkSecurityTxt} from './security-kinds.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

function project(files: Record<string, string>): {dir: string; files: string[]} {
  const dir = mkdtempSync(join(tmpdir(), 'security-kinds-'))
  dirs.push(dir)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  return {dir, files: Object.keys(files)}
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

describe('checkSecurityTxt (RFC 9116)', () => {
  const check = (text: string, path = '.well-known/security.txt') => {
    const {dir, files} = project({[path]: text})
    return checkSecurityTxt(dir, files)
      .findings.map((f) => f.output)
      .join('\n')
  }

  it('passes a file with Contact and an Expires within the year', () => {
    expect(
      check(
        `# comment\nContact: mailto:security@example.com\nContact: https://example.com/report\nExpires: ${inDays(90)}\nPreferred-Languages: en, de\nCanonical: https://example.com/.well-known/security.txt\n`,
      ),
    ).toBe('')
  })

  it('refuses a missing Contact, an expired or far Expires, unknown fields and http URIs', () => {
    expect(check(`Expires: ${inDays(30)}\n`)).toMatch(/no Contact/)
    expect(check(`Contact: mailto:a@b.example\nExpires: ${inDays(-1)}\n`)).toMatch(/in the past/)
    expect(check(`Contact: mailto:a@b.example\nExpires: ${inDays(400)}\n`)).toMatch(/more than a year/)
    expect(check(`Contact: mailto:a@b.example\n`)).toMatch(/no Expires/)
    expect(check(`Contact: mailto:a@b.example\nExpires: 2030-01-01\n`)).toMatch(/RFC 3339/)
    expect(check(`Contact: mailto:a@b.example\nExpires: ${inDays(9)}\nExpires: ${inDays(8)}\n`)).toMatch(
      /appears 2 times/,
    )
    expect(check(`Contact: mailto:a@b.example\nExpires: ${inDays(9)}\nBounty: yes\n`)).toMatch(/not a field/)
    expect(check(`Contact: http://example.com\nExpires: ${inDays(9)}\n`)).toMatch(/not an allowed URI/)
    expect(check(`Contact: mailto:a@b.example\nExpires: ${inDays(9)}\n`, 'security.txt')).toMatch(
      /\.well-known/,
    )
  })
})

describe('checkContentSecurityPolicies (CSP Evaluator)', () => {
  const check = (line: string) => {
    const {dir, files} = project({'snippets/headers.conf': `${line}\n`})
    return checkContentSecurityPolicies(dir, files)
  }

  it('passes a policy without bypasses and finds the header in report-only mode too', () => {
    const result = check(
      `add_header Content-Security-Policy-Report-Only "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'" always;`,
    )
    expect(result.ran).toEqual(['CSP Evaluator (1)'])
    expect(result.findings).toEqual([])
  })

  it("fails 'unsafe-inline' scripts, a scheme-wide source and a missing object-src", () => {
    const output = check(`add_header Content-Security-Policy "script-src 'unsafe-inline' https:" always;`)
      .findings.map((f) => f.output)
      .join('\n')
    expect(output).toMatch(/HIGH script-src: 'unsafe-inline'/)
    expect(output).toMatch(/HIGH object-src/)
  })
})

describe('checkKyvernoTests', () => {
  const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-latest
spec:
  rules:
    - name: tag
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {pattern: {spec: {containers: [{image: '!*:latest'}]}}}
`
  const pod = `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers: [{name: app, image: 'app:1'}]
`
  const test = (
    result: string,
    policies = '../policies/no-latest.yaml',
  ) => `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: t
policies: [${policies}]
resources: [resources.yaml]
results:
  - ${result}
`
  const check = (testText: string) => {
    const {dir, files} = project({
      'policies/no-latest.yaml': policy,
      'tests/resources.yaml': pod,
      'tests/kyverno-test.yaml': testText,
    })
    return checkKyvernoTests(dir, files)
      .findings.map((f) => f.output)
      .join('\n')
  }

  it('passes a test whose policies, rules and resources exist', () => {
    expect(check(test('{policy: no-latest, rule: tag, kind: Pod, resources: [good], result: pass}'))).toBe('')
  })

  it('fails a missing file, an unknown policy or rule, and an unknown resource', () => {
    expect(
      check(test('{policy: no-latest, rule: tag, resources: [good], result: pass}', '../policies/gone.yaml')),
    ).toMatch(/not in the project/)
    expect(check(test('{policy: other, rule: tag, resources: [good], result: pass}'))).toMatch(
      /no policy file/,
    )
    expect(check(test('{policy: no-latest, rule: renamed, resources: [good], result: pass}'))).toMatch(
      /has not/,
    )
    expect(check(test('{policy: no-latest, rule: tag, resources: [bad], result: fail}'))).toMatch(
      /no resource file/,
    )
  })
})
