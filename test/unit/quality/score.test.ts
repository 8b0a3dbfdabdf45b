import {readFileSync} from 'node:fs'
import {resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {UsageError} from '../../../src/domain/errors.js'
import {parseTemplate} from '../../../src/domain/template.js'
import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import {CHECKS, QUALITY_RULES, qualityRulesMarkdown} from '../../../src/quality/rules.js'
import {
  reportForInvalid,
  resolveMinScore,
  scoreTemplate,
  scoreTemplateDir,
  scoreTemplateFiles,
  weakestCheck,
} from '../../../src/quality/score.js'
import {check, fixtureDir, loadFixture, timeless, variant, without} from './fixtures.js'

describe('QUALITY_RULES', () => {
  it('adds up to each check weight, and the weights to 100', () => {
    for (const c of CHECKS) {
      const sum = QUALITY_RULES.filter((r) => r.check === c.id).reduce((n, r) => n + r.points, 0)
      expect(sum, c.id).toBe(c.weight)
    }
    expect(CHECKS.reduce((n, c) => n + c.weight, 0)).toBe(100)
    expect(CHECKS.map((c) => [c.id, c.weight])).toEqual([
      ['documentation', 30],
      ['examples', 20],
      ['metadata', 20],
      ['structure', 15],
      ['dependencies', 15],
    ])
  })

  it('has unique ids prefixed by their check', () => {
    const ids = QUALITY_RULES.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of QUALITY_RULES) expect(r.id.startsWith(`${r.check}.`)).toBe(true)
  })

  it('is documented, verbatim, in docs/quality-rules.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/quality-rules.md'), 'utf8')
    const generated = /<!-- rules:begin[^>]*-->\n([\s\S]*?)\n<!-- rules:end -->/.exec(doc)?.[1]
    expect(generated?.trim()).toBe(qualityRulesMarkdown().trim())
  })
})

describe('scoreTemplate bands', () => {
  it('scores the excellent fixture 90 or more with every check passing', async () => {
    const report = await scoreTemplate(await loadFixture('excellent'))
    expect(report.score).toBeGreaterThanOrEqual(90)
    expect(report.passed).toBe(true)
    expect(report.minScore).toBe(70)
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass'])
    expect(report.checks.flatMap((c) => c.findings).filter((f) => f.severity !== 'note')).toEqual([])
  })

  it('scores the passing fixture between 70 and 89, with recommendations for what it lacks', async () => {
    const report = await scoreTemplate(await loadFixture('passing'))
    expect(report.score).toBeGreaterThanOrEqual(70)
    expect(report.score).toBeLessThan(90)
    expect(report.passed).toBe(true)
    expect(check(report, 'documentation').recommendations.join('\n')).toMatch(/Parameters/)
    expect(check(report, 'metadata').findings.map((f) => f.message)).toContain('manifest has no license')
  })

  it('scores the failing fixture below 70 and says why', async () => {
    const report = await scoreTemplate(await loadFixture('failing'))
    expect(report.score).toBeLessThan(70)
    expect(report.passed).toBe(false)
    const messages = report.checks.flatMap((c) => c.findings.map((f) => f.message))
    expect(messages).toContain('README has no usage section')
    expect(messages).toContain('examples/ has no answers files')
    expect(messages).toContain('dependency flask has no version range ("*" accepts any version)')
  })

  it('lets the scaffold of `create` pass the gate', async () => {
    const report = await scoreTemplate(
      parseTemplate(scaffoldTemplate({name: 'demo-template', category: 'backend_developer'})),
    )
    expect(report.passed).toBe(true)
  })

  it('gives a point total equal to the rounded sum of the checks', async () => {
    for (const name of ['excellent', 'passing', 'failing']) {
      const report = await scoreTemplate(await loadFixture(name))
      expect(report.score).toBe(Math.round(report.checks.reduce((n, c) => n + c.points, 0)))
      for (const c of report.checks) {
        expect(c.points).toBeGreaterThanOrEqual(0)
        expect(c.points).toBeLessThanOrEqual(c.weight)
      }
    }
  })
})

describe('scoreTemplate is deterministic', () => {
  it('gives the same report twice, durationMs aside', async () => {
    for (const name of ['excellent', 'passing', 'failing']) {
      const template = await loadFixture(name)
      const first = await scoreTemplate(template)
      const second = await scoreTemplate(await loadFixture(name))
      expect(timeless(second)).toEqual(timeless(first))
    }
  })

  it('never trusts a quality_score written in the manifest', async () => {
    const honest = await scoreTemplate(await loadFixture('failing'))
    const boasting = await scoreTemplate(
      await variant({'manifest.yaml': (m) => `${m}quality_score: 100\n`}, 'failing'),
    )
    expect(boasting.score).toBe(honest.score)
  })
})

describe('documentation check', () => {
  it('fails without a README', async () => {
    const report = await scoreTemplate(await variant({'README.md': null}))
    const docs = check(report, 'documentation')
    expect(docs.points).toBe(0)
    expect(docs.status).toBe('fail')
    expect(docs.findings).toMatchObject([
      {rule: 'documentation.readme', file: 'README.md', severity: 'error'},
    ])
    expect(report.score).toBe(70)
  })

  it('does not pass a README without a usage section', async () => {
    const report = await scoreTemplate(await variant({'README.md': (t) => t.replace('## Usage', '## Notes')}))
    const docs = check(report, 'documentation')
    expect(docs.status).not.toBe('pass')
    expect(docs.points).toBe(22)
    expect(docs.findings.map((f) => f.message)).toContain('README has no usage section')
    expect(docs.recommendations[0]).toMatch(/## Usage/)
  })

  it('wants a command in the usage section and points at its heading', async () => {
    const report = await scoreTemplate(
      await variant({
        'README.md': (t) =>
          t.replace(/## Usage\n\n```sh\n[\s\S]*?```\n\nOr answer from a file: .*\n/, '## Usage\n\nRun it.\n'),
      }),
    )
    const finding = check(report, 'documentation').findings.find(
      (f) => f.rule === 'documentation.usage-command',
    )
    expect(finding).toMatchObject({
      message: 'README section "Usage" shows no command',
      file: 'README.md',
      line: 11,
    })
  })

  it('names the parameters the README leaves out', async () => {
    const report = await scoreTemplate(
      await variant({'README.md': (t) => t.replace(/^\| `use_ci`.*\n/m, '')}),
    )
    const finding = check(report, 'documentation').findings.find((f) => f.rule === 'documentation.parameters')
    expect(finding?.message).toBe('README "Parameters" section does not mention use_ci')
    expect(check(report, 'documentation').points).toBe(28.5)
  })
})

describe('examples check', () => {
  it('fails without examples', async () => {
    const template = await loadFixture('excellent')
    const report = await scoreTemplate(await variant(without(template, 'examples/')))
    const examples = check(report, 'examples')
    expect(examples.points).toBe(0)
    expect(examples.status).toBe('fail')
    expect(examples.findings.map((f) => f.message)).toEqual([
      'examples/ has no answers files',
      'examples/ has no usage notes',
    ])
  })

  it('fails on answers that do not match the parameters, at the offending line', async () => {
    const report = await scoreTemplate(
      await variant({'examples/basic.yaml': "project_name: greeter\nnode_version: '18'\n"}),
    )
    const examples = check(report, 'examples')
    expect(examples.status).toBe('warning')
    expect(examples.points).toBe(15)
    expect(examples.findings).toHaveLength(1)
    expect(examples.findings[0]).toMatchObject({
      rule: 'examples.valid',
      file: 'examples/basic.yaml',
      line: 2,
      severity: 'warning',
    })
    expect(examples.findings[0]!.message).toMatch(/node_version/)
  })

  it('reports unknown answers and broken YAML', async () => {
    const report = await scoreTemplate(
      await variant({
        'examples/basic.yaml': 'project_name: greeter\nprojet: typo\n',
        'examples/no-ci.yaml': 'project_name: [unclosed\n',
      }),
    )
    const findings = check(report, 'examples').findings
    expect(findings.map((f) => [f.file, f.line])).toEqual([
      ['examples/basic.yaml', 2],
      ['examples/no-ci.yaml', expect.any(Number)],
    ])
    expect(findings[0]!.message).toMatch(/projet/)
    expect(findings[1]!.message).toMatch(/not valid YAML/)
    expect(check(report, 'examples').points).toBe(10)
  })
})

describe('metadata check', () => {
  it('wants a description on every parameter and points at each one', async () => {
    const report = await scoreTemplate(
      await variant({'manifest.yaml': (m) => m.replace(/^ {4}description: .*\n/gm, '')}),
    )
    const metadata = check(report, 'metadata')
    expect(metadata.points).toBe(14)
    expect(metadata.status).toBe('warning')
    expect(metadata.findings.map((f) => [f.message, f.line])).toEqual([
      ['parameter project_name has no description', 12],
      ['parameter command_name has no description', 16],
      ['parameter node_version has no description', 19],
      ['parameter use_ci has no description', 23],
    ])
  })

  it('wants a substantive description, a license and tags', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) =>
          m
            .replace(/^description: .*$/m, 'description: A CLI tool')
            .replace(/^license: .*\n/m, '')
            .replace(/^tags: .*$/m, 'tags: [node]'),
      }),
    )
    const metadata = check(report, 'metadata')
    expect(metadata.findings.map((f) => f.rule)).toEqual([
      'metadata.description',
      'metadata.license',
      'metadata.tags',
    ])
    expect(metadata.findings[0]).toMatchObject({file: 'manifest.yaml', line: 3})
  })
})

describe('structure check', () => {
  it('finds stray files at the top and litter under files/', async () => {
    const report = await scoreTemplate(
      await variant({
        'notes.txt': 'todo',
        'scripts/build.sh': 'echo',
        'files/src/index.js.orig': 'old',
        'files/__pycache__/x.pyc': 'x',
      }),
    )
    const structure = check(report, 'structure')
    expect(structure.findings.map((f) => f.message)).toEqual([
      'files/__pycache__/ is stray: tool or editor litter would be rendered into every project',
      'files/src/index.js.orig is stray: tool or editor litter would be rendered into every project',
      'notes.txt is stray at the top of the template',
      'scripts/ is stray at the top of the template',
    ])
    expect(structure.points).toBe(12)
  })

  it('does not count litter that an exclude glob covers', async () => {
    const report = await scoreTemplate(await variant({'files/debug.log~': 'x', 'files/app.log': 'x'}))
    expect(check(report, 'structure').findings.map((f) => f.file)).toEqual(['files/debug.log~'])
  })

  it('matches files rules the way the renderer does: globs, literal paths with {{ }}, folders', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) =>
          m.replace(
            'files:\n',
            "files:\n  - path: 'bin/{{ command_name }}.js'\n  - path: test\n  - path: 'src/*.js'\n",
          ),
      }),
    )
    expect(check(report, 'structure')).toMatchObject({points: 15, findings: []})
  })

  it('wants every files rule to match a file', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) => m.replace('path: .github/workflows/ci.yml', 'path: .gitlab-ci.yml'),
      }),
    )
    const finding = check(report, 'structure').findings[0]
    expect(finding).toMatchObject({
      rule: 'structure.file-rules',
      message: 'files rule ".gitlab-ci.yml" matches no file under files/',
      file: 'manifest.yaml',
      line: 31,
    })
  })

  it('fails on a file using an unknown variable, pointing at the file and line', async () => {
    const report = await scoreTemplate(
      await variant({'files/src/index.js': (t) => `${t}\n// by {{ author_name }}\n`}),
    )
    const structure = check(report, 'structure')
    expect(structure.status).toBe('fail')
    expect(structure.findings.map((f) => f.rule)).toEqual(['structure.renders', 'structure.placeholders'])
    expect(structure.findings[0]).toMatchObject({
      rule: 'structure.renders',
      file: 'files/src/index.js',
      line: 11,
      severity: 'error',
    })
    expect(structure.findings[0]!.message).toMatch(
      /^rendering with its defaults, examples\/basic\.yaml, examples\/no-ci\.yaml failed: .*author_name/,
    )
    // README, examples and metadata would be worth 91 points; a template that does not render must not pass.
    expect(report).toMatchObject({score: 50, passed: false, cap: {score: 50}})
    expect(report.cap!.rules).toEqual(['structure.renders', 'structure.placeholders'])
  })

  it('fails on {{ name }} left unresolved by a raw rule', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) => m.replace('files:\n', "files:\n  - path: 'docs/**'\n    raw: true\n"),
        'files/docs/guide.md': '# Guide\n\nRun {{ command_name }} --help\n',
      }),
    )
    const structure = check(report, 'structure')
    expect(structure.status).toBe('fail')
    expect(structure.points).toBe(12)
    expect(structure.findings).toHaveLength(1)
    expect(structure.findings[0]).toMatchObject({
      rule: 'structure.placeholders',
      file: 'files/docs/guide.md',
      line: 3,
      column: 5,
      severity: 'error',
    })
    expect(structure.findings[0]!.message).toBe(
      'unresolved placeholder {{ command_name }} left in docs/guide.md:3 when rendering with its defaults, examples/basic.yaml, examples/no-ci.yaml',
    )
  })

  it('maps placeholders in files with rendered names back to their source', async () => {
    const report = await scoreTemplate(
      await variant({
        'files/bin/{{ command_name }}.js': (t) =>
          `${t}// {% raw %}{% endraw %}{% raw %}{{ leftover }}{% endraw %}\n`,
      }),
    )
    const finding = check(report, 'structure').findings[0]
    expect(finding).toMatchObject({file: 'files/bin/{{ command_name }}.js'})
    expect(finding!.message).toMatch(/left in bin\/hello-cli\.js:5 .*its defaults/)
  })

  it('leaves ${{ }}, JSX objects and template-language files alone', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) => m.replace('files:\n', "files:\n  - path: 'web/**'\n    raw: true\n"),
        'files/web/App.jsx': 'export const App = () => <Ctx.Provider value={{ user }} />\n',
        'files/web/Hello.vue': '<template><p>{{ message }}</p></template>\n',
        'files/web/templates/index.html': '<h1>{{ title }}</h1>{% block body %}{% endblock %}\n',
        'files/web/deploy.yml': 'token: ${{ secrets.TOKEN }}\n',
      }),
    )
    expect(check(report, 'structure').findings).toEqual([])
  })

  it('renders with the examples when a required parameter has no default, and says so', async () => {
    const report = await scoreTemplate(
      await variant({'manifest.yaml': (m) => m.replace('    default: hello-cli\n', '')}),
    )
    const structure = check(report, 'structure')
    expect(structure.points).toBe(15)
    expect(structure.findings).toMatchObject([
      {rule: 'structure.renders', severity: 'note', file: 'manifest.yaml', line: 12},
    ])
  })

  it('fails when nothing can supply a required parameter', async () => {
    const template = await loadFixture('excellent')
    const report = await scoreTemplate(
      await variant({
        ...without(template, 'examples/'),
        'manifest.yaml': (m) => m.replace('    default: hello-cli\n', ''),
      }),
    )
    const structure = check(report, 'structure')
    expect(structure.status).toBe('fail')
    expect(structure.findings.map((f) => f.message)[0]).toMatch(
      /could not be rendered: project_name has no default and no valid examples/,
    )
  })
})

describe('dependencies check', () => {
  it('says which dependency has no version range', async () => {
    const report = await scoreTemplate(
      await variant({'manifest.yaml': (m) => m.replace("commander: '^12.1.0'", "commander: '*'")}),
    )
    const deps = check(report, 'dependencies')
    expect(deps.points).toBe(10)
    expect(deps.status).toBe('warning')
    expect(deps.findings).toMatchObject([
      {
        message: 'dependency commander has no version range ("*" accepts any version)',
        file: 'manifest.yaml',
        line: 9,
        column: 3,
      },
    ])
  })

  it('refuses latest and invalid ranges', async () => {
    const report = await scoreTemplate(
      await variant({
        'manifest.yaml': (m) =>
          m
            .replace("commander: '^12.1.0'", 'commander: latest')
            .replace("vitest: '>=2.0.0 <3'", 'vitest: banana'),
      }),
    )
    const deps = check(report, 'dependencies')
    expect(deps.points).toBe(5)
    expect(deps.status).toBe('fail')
    expect(deps.findings.map((f) => [f.line, f.message])).toEqual([
      [9, 'dependency commander has no version range ("latest" accepts any version)'],
      [10, 'dependency vitest has an invalid version range "banana"'],
    ])
  })

  it('wants dependencies declared when the files ship a package manifest', async () => {
    const report = await scoreTemplate(
      await variant({'manifest.yaml': (m) => m.replace(/^dependencies:\n( {2}.*\n)+/m, '')}),
    )
    const deps = check(report, 'dependencies')
    expect(deps.points).toBe(0)
    expect(deps.findings[0]!.message).toBe(
      'the template ships files/package.json but declares no dependencies',
    )
  })

  it('asks for nothing when no package manifest ships', async () => {
    const report = await scoreTemplate(
      await variant({
        'files/package.json': null,
        'manifest.yaml': (m) => m.replace(/^dependencies:\n( {2}.*\n)+/m, ''),
      }),
    )
    expect(check(report, 'dependencies')).toMatchObject({points: 15, status: 'pass', findings: []})
  })
})

describe('invalid templates', () => {
  it('reports an invalid manifest as score 0 with its issues, not an exception', async () => {
    const report = await scoreTemplateDir(fixtureDir('invalid-manifest'))
    expect(report).toMatchObject({template: 'invalid-manifest', score: 0, passed: false})
    expect(report.checks.every((c) => c.status === 'fail' && c.points === 0)).toBe(true)
    const findings = check(report, 'metadata').findings
    expect(findings.length).toBeGreaterThanOrEqual(2)
    for (const f of findings)
      expect(f).toMatchObject({rule: 'template.valid', file: 'manifest.yaml', severity: 'error'})
    expect(findings.map((f) => f.line)).toEqual(expect.arrayContaining([1, 2]))
  })

  it('does the same for uploaded files', async () => {
    const report = await scoreTemplateFiles(
      new Map([['README.md', new TextEncoder().encode('# x')]]),
      'upload',
    )
    expect(report.score).toBe(0)
    expect(check(report, 'metadata').findings[0]).toMatchObject({
      file: 'manifest.yaml',
      message: expect.stringMatching(/manifest.yaml is missing/),
    })
  })

  it('builds the report from issues directly', () => {
    const report = reportForInvalid('broken', [{file: 'manifest.yaml', line: 3, column: 1, message: 'bad'}], {
      minScore: 50,
    })
    expect(report).toMatchObject({template: 'broken', score: 0, minScore: 50, passed: false})
    expect(check(report, 'metadata').findings).toEqual([
      {
        rule: 'template.valid',
        message: 'bad',
        recommendation: 'fix manifest.yaml so that it is valid (see docs/template-format.md)',
        file: 'manifest.yaml',
        line: 3,
        column: 1,
        severity: 'error',
      },
    ])
  })
})

describe('minimum score', () => {
  it('is 70, or MIN_TEMPLATE_QUALITY_SCORE, or what the caller says', () => {
    expect(resolveMinScore(undefined, {})).toBe(70)
    expect(resolveMinScore(undefined, {MIN_TEMPLATE_QUALITY_SCORE: '85'})).toBe(85)
    expect(resolveMinScore(40, {MIN_TEMPLATE_QUALITY_SCORE: '85'})).toBe(40)
    expect(() => resolveMinScore(undefined, {MIN_TEMPLATE_QUALITY_SCORE: 'high'})).toThrow(UsageError)
    expect(() => resolveMinScore(101)).toThrow(UsageError)
  })

  it('decides passed', async () => {
    const template = await loadFixture('passing')
    const strict = await scoreTemplate(template, {minScore: 95})
    expect(strict).toMatchObject({minScore: 95, passed: false})
  })
})

describe('weakestCheck', () => {
  it('is the check that lost the largest share of its weight', async () => {
    const report = await scoreTemplate(await loadFixture('failing'))
    expect(weakestCheck(report)).toEqual({id: 'examples', points: 0, weight: 20})
  })
})
