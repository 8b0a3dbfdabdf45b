/**
 * Every bundled template, instantiated through the built CLI (bin/run.js) as a user does,
 * with its defaults (plus the required answers its examples give) and with each example
 * answers file; each generated project is then checked by its own tooling (npm install,
 * test, lint...) and by a real checker per file kind (see checks.ts).
 *
 * Slow parts are cached under ~/.cache/maestro-catalog (MAESTRO_CATALOG_CACHE): node_modules
 * per dependency set, for a week. Run on its own with `npm run catalog:check`.
 */
import {createHash} from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {BIN, runBin} from '../helpers/command.js'
import {
  checkCommands,
  checkJsonAndYaml,
  checkMakefile,
  checkNodeProject,
  checkPostgresMigrations,
  checkPython,
  checkShellScripts,
  listFiles,
  nodePlan,
} from './checks.js'
import {
  checkCompose,
  checkDockerfiles,
  checkGherkin,
  checkGraphql,
  checkJavaScript,
  checkJmeterPlans,
  checkKubernetes,
  checkMarkdownDocuments,
  checkNginx,
  checkNotebooks,
  checkOpenApi,
  checkSql,
  checkTerraform,
  checkWorkflows,
  checkXml,
  wasmTools,
} from './kinds.js'
import {CACHE_DIR, type Checked, type Finding} from './tools.js'

const CATALOG = new URL('../../templates_storage', import.meta.url).pathname

interface Parameter {
  name: string
  default?: unknown
  required?: boolean
}

interface Variant {
  /** "defaults" or the example file's name. */
  name: string
  args: string[]
}

/**
 * What a project's npm scripts cannot do on a CI machine, replaced by the nearest check
 * that can run here (an empty list: nothing runs for that script).
 */
const NODE_OVERRIDES: Record<string, Record<string, string[][]>> = {
  // `next build` takes minutes; typecheck (next typegen + tsc), lint and test cover the code.
  'nextjs-app': {build: []},
  // The suite drives a deployed site in real browsers; --list loads the config and every spec.
  'playwright-e2e-suite': {test: [['npx', 'playwright', 'test', '--list']]},
}

/**
 * A Python project's own unittest suite (stdlib only: the checker installs nothing from
 * PyPI), for templates whose tests need nothing beyond the standard library. -B: no
 * bytecode written into the project.
 */
const UNITTEST = ['python3', '-B', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.']

/** What a project's own CI workflow runs, for projects that have no package.json. */
const PROJECT_COMMANDS: Record<string, string[][]> = {
  'ab-test-analysis': [UNITTEST],
  'airflow-retraining-dag': [UNITTEST],
  'batch-inference-job': [UNITTEST],
  'drift-monitor-job': [UNITTEST],
  'llm-prompt-eval': [UNITTEST],
  'model-eval-harness': [UNITTEST],
  'rag-ingestion-pipeline': [UNITTEST],
  // .github/workflows/adr.yml, after using the script as its README shows.
  'adr-repository': [
    ['bash', 'scripts/adr', 'index', '--check'],
    ['bash', 'scripts/adr', 'new', 'Use PostgreSQL for orders'],
    ['bash', 'scripts/adr', 'supersede', '1', 'Keep decisions in the wiki'],
    ['bash', 'scripts/adr', 'index'],
    ['bash', 'scripts/adr', 'index', '--check'],
    ['bash', 'scripts/adr', 'list'],
    ['markdownlint', 'docs/adr/**/*.md'],
  ],
  // Standard library only: the factories' own tests run as the README says.
  'test-data-factory-python': [UNITTEST],
  // Standard-library projects: their own unittest suites run (no pip install needed).
  'webhook-receiver-harness': [UNITTEST],
  'soap-xsd-service-tests': [UNITTEST],
  'json-schema-compat-check': [UNITTEST],
  // The flaky-test finder's own tests (node:test, no dependencies).
  'flaky-test-quarantine': [['node', '--test', 'scripts/']],
  'idempotency-key-tests': [UNITTEST],
  'oauth2-provider-tests': [UNITTEST],
  // The smoke runner against a local python3 -m http.server stand-in.
  'gha-smoke-tests': [['bash', 'smoke/selftest.sh']],
}

/**
 * Templates whose Markdown is the product (test plans, checklists, charters): every `.md`
 * file is linted by markdownlint, and the files named here must have these headings (a
 * heading containing the text, case-insensitive).
 */
const DOCUMENTS: Record<string, Record<string, string[]>> = {
  // The parts of IEEE 829's test plan outline.
  'test-plan-ieee829': {
    'docs/test-plan.md': [
      'introduction',
      'test items',
      'features to be tested',
      'features not to be tested',
      'approach',
      'pass/fail criteria',
      'suspension criteria',
      'test deliverables',
      'testing tasks',
      'environmental needs',
      'responsibilities',
      'staffing',
      'schedule',
      'risks',
      'approvals',
    ],
  },
  'chaos-test-plan': {
    'CHAOS_TEST_PLAN.md': [
      'steady state',
      'blast radius',
      'abort conditions',
      'experiments',
      'runbook',
      'results',
    ],
  },
  'release-regression-checklist': {
    'RELEASE_CHECKLIST.md': [
      'entry gate',
      'automated suites',
      'manual regression',
      'compatibility',
      'smoke checks',
      'go/no-go',
    ],
  },
  // Session-based test management: charter, session sheet and PROOF debrief.
  'exploratory-testing-charter': {
    'charter.md': ['resources', 'areas', 'heuristics', 'out of scope'],
    'sessions/session-sheet.md': ['task breakdown', 'test notes', 'bugs', 'issues', 'debrief'],
  },
  // The sections of Mitchell et al., "Model Cards for Model Reporting".
  'model-card': {
    'README.md': [
      'model details',
      'intended use',
      'factors',
      'metrics',
      'evaluation data',
      'training data',
      'quantitative analyses',
      'ethical considerations',
      'caveats',
    ],
  },
  // The question groups of Gebru et al., "Datasheets for Datasets".
  'dataset-datasheet': {
    'DATASHEET.md': [
      'motivation',
      'composition',
      'collection process',
      'preprocessing',
      'uses',
      'distribution',
      'maintenance',
    ],
  },
  'accessibility-test-plan': {
    'docs/accessibility-test-plan.md': [
      'scope',
      'automated checks',
      'keyboard',
      'screen reader',
      'visual',
      'assistive technology',
      'severity',
      'issue log',
    ],
  },
  'labeling-guidelines': {
    'GUIDELINES.md': ['task', 'labels', 'quality control', 'adjudication', 'change log'],
  },
  'bug-report-kit': {
    'docs/bug-reporting.md': ['good report', 'severity', 'priority', 'triage', 'life cycle'],
  },
}

/**
 * Projects with a migration runner of their own (scripts/migrate.sh): it runs against
 * PostgreSQL with seeds and tests. Other projects' SQL is applied file by file (checkSql).
 */
const SQL_PROJECTS = new Set(['postgres-migration-kit'])

/** `npm run catalog:check -- NAME...` checks only those templates (scripts/catalog-check.mjs sets this). */
const ONLY = new Set((process.env.MAESTRO_CATALOG_ONLY ?? '').split(',').filter(Boolean))

/** Where each checked variant is recorded (one JSON line each) for catalog:check's table. */
const REPORT = process.env.MAESTRO_CATALOG_REPORT

function templates(): {category: string; name: string; dir: string}[] {
  const out = []
  for (const category of readdirSync(CATALOG).sort()) {
    if (!statSync(join(CATALOG, category)).isDirectory()) continue
    for (const name of readdirSync(join(CATALOG, category)).sort()) {
      if (ONLY.size > 0 && !ONLY.has(name)) continue
      out.push({category, name, dir: join(CATALOG, category, name)})
    }
  }
  if (ONLY.size > 0 && out.length !== ONLY.size) {
    const found = new Set(out.map((t) => t.name))
    throw new Error(`no such template in the catalog: ${[...ONLY].filter((n) => !found.has(n)).join(', ')}`)
  }
  return out
}

/** Every checker, for every kind of file a template writes (README: "Checking the catalog"). */
async function checkProject(name: string, dest: string): Promise<Checked> {
  const files = listFiles(dest)
  const all = [
    checkJsonAndYaml(dest, files),
    checkShellScripts(dest, files),
    checkPython(dest, files),
    checkMakefile(dest, files),
    await checkWorkflows(dest, files),
    await checkDockerfiles(dest, files),
    await checkKubernetes(dest, files),
    await checkOpenApi(dest, files),
    await checkTerraform(dest, files),
    checkCompose(dest, files),
    await checkGraphql(dest, files),
    checkXml(dest, files),
    checkJmeterPlans(dest, files),
    await checkGherkin(dest, files),
    // A package.json project's JavaScript is checked by its own scripts (and may be JSX).
    files.includes('package.json') ? undefined : checkJavaScript(dest, files),
    DOCUMENTS[name] ? checkMarkdownDocuments(dest, files, DOCUMENTS[name]) : undefined,
    checkNginx(dest, files),
    checkNotebooks(dest, files),
    SQL_PROJECTS.has(name) ? checkPostgresMigrations(dest) : checkSql(dest, files),
    checkCommands(dest, PROJECT_COMMANDS[name] ?? []),
    files.includes('package.json') ? checkNodeProject(dest, nodePlan(dest, NODE_OVERRIDES[name])) : undefined,
  ]
  return {
    ran: all.flatMap((c) => c?.ran ?? []),
    findings: all.flatMap((c) => c?.findings ?? []),
  }
}

/**
 * "defaults": --defaults plus `--set` for each required parameter without a default, with
 * the value an example gives (minimal.yaml first); then one variant per example file.
 */
function variants(dir: string): Variant[] {
  const manifest = parse(readFileSync(join(dir, 'manifest.yaml'), 'utf8')) as {parameters?: Parameter[]}
  const exampleFiles = readdirSync(join(dir, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort((a, b) => Number(b.startsWith('minimal.')) - Number(a.startsWith('minimal.')) || a.localeCompare(b))
  const examples = exampleFiles.map(
    (f) => (parse(readFileSync(join(dir, 'examples', f), 'utf8')) ?? {}) as Record<string, unknown>,
  )
  const sets: string[] = []
  for (const param of manifest.parameters ?? []) {
    if (!(param.required ?? param.default === undefined)) continue
    const value = examples.find((answers) => answers[param.name] !== undefined)?.[param.name]
    if (value === undefined) continue
    sets.push(
      '--set',
      `${param.name}=${Array.isArray(value) ? value.join(',') : `${value as string | number | boolean}`}`,
    )
  }
  return [
    {name: 'defaults', args: sets},
    ...exampleFiles.map((f) => ({name: f, args: ['--answers', join(dir, 'examples', f)]})),
  ]
}

/** Hash of what was generated, so a variant that renders the same project is checked once. */
function contentHash(dir: string): string {
  const hash = createHash('sha256')
  for (const file of listFiles(dir)) {
    if (file === '.maestro-answers.yaml') continue
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0')
  }
  return hash.digest('hex')
}

function record(row: {
  template: string
  variant: string
  files: number
  ran: string[]
  failed: string[]
}): void {
  if (REPORT) appendFileSync(REPORT, `${JSON.stringify(row)}\n`)
}

function report(findings: Finding[]): string {
  return findings.map((f) => `--- ${f.check}\n${f.output.trim()}`).join('\n\n')
}

describe('projects generated from the bundled catalog pass their own checks', () => {
  let work: string
  let store: string
  const checked = new Map<string, {label: string; passed: boolean}>()

  beforeAll(async () => {
    // The WebAssembly checkers load in a fixed order (see wasmTools).
    await wasmTools()
    if (!existsSync(BIN) || !existsSync(new URL('../../dist/bundle/index.js', import.meta.url))) {
      throw new Error('the built CLI is missing: run `npm run build` first (npm test and catalog:check do)')
    }
    mkdirSync(CACHE_DIR, {recursive: true})
    // Not under node_modules/: tools skip files there (Playwright does not compile its TypeScript).
    work = mkdtempSync(join(tmpdir(), 'maestro-catalog-'))
    store = join(work, 'store')
  })

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true})
  })

  describe.each(templates())('$category/$name', ({name, dir}) => {
    it.each(variants(dir))(
      'with $name',
      async (variant) => {
        const dest = join(work, `${name}--${variant.name.replace(/\.ya?ml$/, '')}`)
        const made = runBin(['instantiate', name, dest, '--defaults', ...variant.args], {MAESTRO_HOME: store})
        if (made.status !== 0) {
          record({template: name, variant: variant.name, files: 0, ran: [], failed: ['instantiate']})
        }
        expect(
          made.status,
          `instantiate ${name} ${variant.args.join(' ')}\n${made.stdout}${made.stderr}`,
        ).toBe(0)

        const hash = contentHash(dest)
        const same = checked.get(hash)
        if (same) {
          // Same bytes, same verdict: a copy of a failed project fails too.
          expect(same.passed, `same files as ${same.label}, whose checks failed`).toBe(true)
          console.log(`${name} with ${variant.name}: same files as ${same.label}, checked there`)
          record({
            template: name,
            variant: variant.name,
            files: listFiles(dest).length,
            ran: ['same files as ' + same.label],
            failed: [],
          })
          return
        }
        const verdict = {label: `${name} with ${variant.name}`, passed: false}
        checked.set(hash, verdict)

        const fileCount = listFiles(dest).length
        const {ran, findings} = await checkProject(name, dest)
        record({
          template: name,
          variant: variant.name,
          files: fileCount,
          ran,
          failed: findings.map((f) => f.check),
        })
        expect(findings, report(findings)).toEqual([])
        verdict.passed = true
        rmSync(dest, {recursive: true, force: true})
      },
      900_000,
    )
  })
})
