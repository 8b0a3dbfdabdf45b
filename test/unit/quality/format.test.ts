import {execFileSync, spawnSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import {beforeAll, describe, expect, it, type TestContext} from 'vitest'

import {UsageError} from '../../../src/domain/errors.js'
import {formatReports, REPORT_FORMATS} from '../../../src/quality/format/index.js'
import {command, escapeData, escapeProperty} from '../../../src/quality/format/github.js'
import {attr, text} from '../../../src/quality/format/junit.js'
import {QUALITY_RULES} from '../../../src/quality/rules.js'
import {reportForInvalid, scoreTemplate, scoreTemplateDir} from '../../../src/quality/score.js'
import type {QualityReport} from '../../../src/quality/types.js'
import {tempDir} from '../../helpers/temp.js'
import {FIXTURES, fixtureDir, loadFixture, variant} from './fixtures.js'

let excellent: QualityReport
let passing: QualityReport
let failing: QualityReport
let invalid: QualityReport
/** A report whose findings hold every character the formats must escape. */
let hostile: QualityReport
let all: QualityReport[]

/** The repository root the fixtures are reported relative to, as CI would pass with --base-dir. */
const REPO = resolve(FIXTURES, '../../..')
const sources = () =>
  new Map([
    ['quality-excellent', fixtureDir('excellent')],
    ['quality-passing', fixtureDir('passing')],
    ['quality-failing', fixtureDir('failing')],
    ['invalid-manifest', fixtureDir('invalid-manifest')],
    ['quality-excellent-hostile', fixtureDir('excellent')],
  ])

beforeAll(async () => {
  excellent = await scoreTemplate(await loadFixture('excellent'))
  passing = await scoreTemplate(await loadFixture('passing'))
  failing = await scoreTemplate(await loadFixture('failing'))
  invalid = await scoreTemplateDir(fixtureDir('invalid-manifest'))
  // Placeholders in a raw file with markup, quotes, commas, colons, percent signs and a control character.
  hostile = await scoreTemplate(
    await variant({
      'manifest.yaml': (m) =>
        m
          .replace('name: quality-excellent', 'name: quality-excellent-hostile')
          .replace('files:\n', "files:\n  - path: 'docs/**'\n    raw: true\n"),
      'files/docs/a&b <c>, "d": 100%.md': `{{ x }} & <tag attr="1">, 'q': 50%\u0001 {% if y %}\n`,
    }),
  )
  all = [excellent, passing, failing, invalid, hostile]
})

describe('text', () => {
  it('shows each check with an icon, its points and the recommendations', () => {
    const out = formatReports([failing], 'text', {color: false})
    expect(out).toContain('quality-failing 0.1.0: 35/100 (minimum 70) FAILED')
    expect(out).toMatch(/✖ Documentation +8\/30 +fail/)
    expect(out).toMatch(/✔ Structure +15\/15 +pass/)
    expect(out).toContain('README.md  README has no usage section\n        → add a "## Usage" section')
    expect(out).toContain('manifest.yaml:8:3  dependency flask has no version range')
    expect(out).not.toContain('\u001B[')
  })

  it('colours only when asked', () => {
    expect(formatReports([failing], 'text', {color: true})).toContain('\u001B[31m')
  })

  it('prints a summary table for many templates, then the details of those that failed', () => {
    const out = formatReports([excellent, passing, failing], 'text', {color: false})
    const lines = out.split('\n')
    expect(lines[0]).toMatch(/^TEMPLATE +VERSION +SCORE +MIN +RESULT +DOCS +EXAMPLES +META +STRUCT +DEPS$/)
    expect(lines[1]).toMatch(/^quality-excellent +1\.2\.0 +100 +70 +passed +30 +20 +20 +15 +15$/)
    expect(lines[3]).toMatch(/^quality-failing +0\.1\.0 +35 +70 +FAILED +8 ✖ +0 ✖/)
    // Columns are aligned: every row puts SCORE in the same place.
    const at = lines[0]!.indexOf('SCORE') + 'SCORE'.length
    for (const line of lines.slice(1, 4)) expect(line[at - 1]).toMatch(/\d/)
    expect(out).toContain('quality-failing 0.1.0: 35/100 (minimum 70) FAILED')
    expect(out).not.toContain('quality-excellent 1.2.0: 100/100')
    expect(out.trimEnd().split('\n').at(-1)).toBe('3 templates: 2 passed, 1 below the minimum')
  })

  it('says why a score was capped', () => {
    expect(formatReports([hostile], 'text', {color: false})).toContain(
      'quality-excellent-hostile 1.2.0: 50/100 (minimum 70; capped at 50 by structure.placeholders) FAILED',
    )
  })
})

describe('json', () => {
  it('has the same shape for one template or many', () => {
    const one = JSON.parse(formatReports([excellent], 'json'))
    expect(one).toEqual({passed: true, reports: [JSON.parse(JSON.stringify(excellent))]})
    const many = JSON.parse(formatReports([excellent, failing], 'json'))
    expect(many.passed).toBe(false)
    expect(many.reports.map((r: QualityReport) => r.template)).toEqual([
      'quality-excellent',
      'quality-failing',
    ])
  })
})

describe('formatReports', () => {
  it('refuses an unknown format', () => {
    expect(() => formatReports([excellent], 'xml' as never)).toThrow(UsageError)
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'junit', 'sarif', 'github'])
  })
})

const hasXmllint = spawnSync('xmllint', ['--version']).status === 0

/** Skips locally without xmllint; in CI (CI=true) its absence is a failure. */
function requireXmllint(ctx: TestContext): void {
  if (hasXmllint) return
  if (process.env.CI)
    throw new Error('xmllint is required in CI to validate JUnit XML: apt-get install libxml2-utils')
  ctx.skip('xmllint not installed (apt-get install libxml2-utils): JUnit schema validation skipped')
}

function xmllint(xml: string): string {
  const file = join(tempDir('maestro-junit-'), 'report.xml')
  writeFileSync(file, xml)
  const result = spawnSync('xmllint', ['--noout', '--schema', join(FIXTURES, 'junit.xsd'), file], {
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`JUnit XML is not valid against junit.xsd:\n${result.stderr}`)
  return result.stderr
}

describe('junit', () => {
  it('is valid against the Jenkins JUnit schema, escaping included', (ctx) => {
    requireXmllint(ctx)
    expect(xmllint(formatReports(all, 'junit'))).toMatch(/validates/)
  })

  it('would catch invalid JUnit (the schema check is not vacuous)', (ctx) => {
    requireXmllint(ctx)
    const broken = formatReports([failing], 'junit').replace('<testcase name="documentation" ', '<testcase ')
    expect(() => xmllint(broken)).toThrow(/not valid/)
  })

  it('is valid for a single template and for none', (ctx) => {
    requireXmllint(ctx)
    xmllint(formatReports([excellent], 'junit'))
    xmllint(formatReports([], 'junit'))
  })

  it('has a testsuite per template and a testcase per check plus the gate', (ctx) => {
    requireXmllint(ctx)
    const xml = formatReports([excellent, failing], 'junit')
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="maestro-tpl quality" tests="12" failures="5"/,
    )
    expect(xml).toContain('<testsuite name="quality-failing" tests="6" failures="5" errors="0" skipped="0"')
    expect(xml).toContain('<property name="score" value="35"/>')
    expect(xml).toContain('<property name="minimum" value="70"/>')
    expect(xml).toContain('<testcase name="structure" classname="maestro-tpl.quality.quality-failing"/>')
    expect(xml).toContain(
      '<failure message="documentation 8/30: fail" type="quality.documentation">README.md: README has 3 words',
    )
    expect(xml).toContain(
      '<failure message="quality-failing scored 35, below the minimum of 70" type="quality.score">',
    )
    // Text must survive a round trip through a real XML parser: read it back with xmllint.
    const file = join(tempDir('maestro-junit-'), 'r.xml')
    writeFileSync(file, xml)
    const messages = execFileSync(
      'xmllint',
      ['--xpath', '//testsuite[@name="quality-failing"]//failure/@message', file],
      {
        encoding: 'utf8',
      },
    )
    expect(messages).toContain('message="examples 0/20: fail"')
  })

  it('puts the findings of a check that passed with warnings in system-out', () => {
    const xml = formatReports([passing], 'junit')
    expect(xml).toMatch(
      /<testcase name="documentation" classname="maestro-tpl.quality.quality-passing">\n {6}<system-out>documentation 17\.5\/30: warning\nREADME\.md: README has \d+ words/,
    )
    expect(xml).not.toMatch(/<testcase name="documentation"[^>]*>\n\s*<failure/)
  })

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(text('a & b < c > d \u0001\u0008 e\tf\n')).toBe('a &amp; b &lt; c &gt; d  e\tf\n')
    expect(attr(`"q" 'a'\nb`)).toBe('&quot;q&quot; &apos;a&apos;&#10;b')
    const xml = formatReports([hostile], 'junit')
    expect(xml).toContain('a&amp;b &lt;c&gt;, "d": 100%.md')
    expect(xml).not.toContain('\u0001')
  })
})

describe('sarif', () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sarif-schema-2.1.0.json'), 'utf8'))
  // strictRequired off: the official schema lists `required` inside anyOf branches, valid JSON Schema that ajv's lint flags.
  const ajv = new Ajv2020({allErrors: true, strict: true, strictRequired: false})
  addFormats.default(ajv)
  const validate = ajv.compile(schema)

  function sarif(reports: QualityReport[]) {
    return JSON.parse(
      formatReports(reports, 'sarif', {baseDir: REPO, sources: sources(), toolVersion: '0.1.0'}),
    )
  }

  it('is valid against the SARIF 2.1.0 schema', () => {
    const log = sarif(all)
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
    expect(log.version).toBe('2.1.0')
  })

  it('would catch an invalid log (the schema check is not vacuous)', () => {
    const log = sarif([failing])
    log.runs[0].results[0].level = 'fatal'
    expect(validate(log)).toBe(false)
    delete log.runs[0].tool
    expect(validate(log)).toBe(false)
  })

  it('publishes the quality sub-rules as the driver rules', () => {
    const driver = sarif([excellent]).runs[0].tool.driver
    expect(driver.name).toBe('maestro-tpl')
    expect(driver.version).toBe('0.1.0')
    const ids = driver.rules.map((r: {id: string}) => r.id)
    expect(ids).toEqual(expect.arrayContaining(QUALITY_RULES.map((r) => r.id)))
    expect(driver.rules[0].shortDescription.text).toBe(QUALITY_RULES[0]!.title)
  })

  it('locates manifest findings at manifest.yaml lines and README findings at README.md, relative to the repository', () => {
    const results = sarif([failing]).runs[0].results
    const dep = results.find((r: {ruleId: string}) => r.ruleId === 'dependencies.ranges')
    expect(dep).toMatchObject({
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: {uri: 'test/fixtures/quality/failing/manifest.yaml'},
            region: {startLine: 8, startColumn: 3},
          },
        },
      ],
    })
    expect(dep.message.text).toMatch(/^dependency flask has no version range/)
    const usage = results.find((r: {ruleId: string}) => r.ruleId === 'documentation.usage-section')
    expect(usage.locations[0].physicalLocation.artifactLocation.uri).toBe(
      'test/fixtures/quality/failing/README.md',
    )
    const gate = results.find((r: {ruleId: string}) => r.ruleId === 'quality.min-score')
    expect(gate.message.text).toBe('quality-failing scored 35, below the minimum of 70')
    const rules = sarif([failing]).runs[0].tool.driver.rules
    expect(rules[dep.ruleIndex].id).toBe('dependencies.ranges')
  })

  it('encodes template paths holding {{ }} and spaces as URI references', () => {
    const results = sarif([hostile]).runs[0].results
    const uri = results.find((r: {ruleId: string}) => r.ruleId === 'structure.placeholders').locations[0]
      .physicalLocation.artifactLocation.uri
    expect(uri).toBe('test/fixtures/quality/excellent/files/docs/a%26b%20%3Cc%3E%2C%20%22d%22%3A%20100%25.md')
  })

  it('reports an invalid manifest at its lines', () => {
    const results = sarif([invalid]).runs[0].results
    expect(results[0]).toMatchObject({
      ruleId: 'template.valid',
      level: 'error',
      locations: [
        {physicalLocation: {artifactLocation: {uri: 'test/fixtures/quality/invalid-manifest/manifest.yaml'}}},
      ],
    })
  })
})

describe('github', () => {
  it('escapes message data and property values the way the runner reads them', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b')
    expect(escapeProperty('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext%3A a%2Cb')
    expect(
      command(
        'error',
        [
          ['file', 'a,b:c.md'],
          ['line', 3],
          ['col', undefined],
        ],
        'x',
      ),
    ).toBe('::error file=a%2Cb%3Ac.md,line=3::x')
  })

  it('prints an annotation per finding at its repository path, then a summary line per template', () => {
    const out = formatReports([failing, passing], 'github', {baseDir: REPO, sources: sources()})
    const lines = out.trimEnd().split('\n')
    expect(lines).toContain(
      '::error file=test/fixtures/quality/failing/manifest.yaml,line=8,col=3,title=quality-failing%3A Dependencies::dependency flask has no version range ("*" accepts any version)%0A→ give flask the range the files were written for, e.g. "^1.2.0" or ">=1.2,<2"',
    )
    expect(lines).toContain(
      '::warning file=test/fixtures/quality/passing/manifest.yaml,title=quality-passing%3A Metadata::manifest has no license%0A→ set license to an SPDX identifier such as MIT or Apache-2.0',
    )
    expect(lines).toContain(
      '::error file=test/fixtures/quality/failing/manifest.yaml,title=quality-failing%3A quality gate::quality-failing scored 35, below the minimum of 70',
    )
    expect(lines.slice(-2)).toEqual([
      'quality-failing 0.1.0: 35/100 (minimum 70) FAILED',
      'quality-passing 1.2.0: 82/100 (minimum 70) passed',
    ])
    for (const line of lines.slice(0, -2)) expect(line).toMatch(/^::(error|warning|notice) [^\n]*::/)
  })

  it('keeps each annotation on one line whatever the finding holds', () => {
    const out = formatReports([hostile], 'github', {baseDir: REPO, sources: sources()})
    const annotation = out.split('\n').find((l) => l.includes('unresolved placeholder'))!
    expect(annotation).toContain(
      'file=test/fixtures/quality/excellent/files/docs/a&b <c>%2C "d"%3A 100%25.md',
    )
    expect(annotation).toContain('{%25 raw %25}')
    expect(out.split('\n').filter((l) => l.startsWith('::')).length).toBe(
      out.match(/::(error|warning|notice) /g)!.length,
    )
  })
})

describe('invalid reports in every format', () => {
  it('formats a report built from issues', () => {
    const report = reportForInvalid('broken', [
      {file: 'manifest.yaml', line: 2, message: 'version "x" is not semver'},
    ])
    for (const format of REPORT_FORMATS) expect(formatReports([report], format, {})).toContain('broken')
  })
})
