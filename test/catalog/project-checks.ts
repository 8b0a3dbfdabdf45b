/**
 * Every checker the catalog has, run over a generated project: the checks a template's
 * output must pass (README: "Checking the catalog"). Used for the templates themselves
 * (generated-projects.ts, in shards) and for the results of the bundled workflows that compose
 * them (workflows.test.ts), so both are held to the same bar.
 */
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
  checkPostgresConf,
  checkSql,
  checkTerraform,
  checkWorkflows,
  checkXml,
} from './kinds.js'
import {checkContentSecurityPolicies, checkKyvernoTests, checkSecurityTxt} from './security-kinds.js'
import {type Checked, processesUnder} from './tools.js'

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
  // backend_developer: standard-library projects whose own tests need no install.
  'python-cli-tool': [UNITTEST],
  'python-http-client': [UNITTEST],
  'python-structured-logging': [UNITTEST],
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
  // security_specialist
  // What auditors sample in a user access review (SOC 2 CC6, ISO/IEC 27001 A.5.18).
  'access-review-procedure': {
    'ACCESS_REVIEW_PROCEDURE.md': [
      'purpose',
      'scope',
      'roles',
      'procedure',
      'decision rules',
      'evidence',
      'exceptions',
    ],
    'forms/certification.md': ['accounts', 'attestation', 'verification'],
  },
  // The parts of a classification policy (ISO/IEC 27001:2022 A.5.12, A.5.13).
  'data-classification-policy': {
    'DATA_CLASSIFICATION_POLICY.md': [
      'purpose',
      'scope',
      'roles',
      'classification levels',
      'handling requirements',
      'labeling',
      'retention',
      'exceptions',
    ],
  },
  // The seven LINDDUN threat categories, after the inventory they are drawn from.
  'linddun-privacy-threat-model': {
    'PRIVACY_THREAT_MODEL.md': [
      'personal data inventory',
      'data flows',
      'linking',
      'identifying',
      'non-repudiation',
      'detecting',
      'data disclosure',
      'unawareness',
      'non-compliance',
    ],
  },
  'secure-code-review-checklist': {
    'docs/secure-code-review.md': [
      'when a security review is required',
      'how to review',
      'checklist',
      'input handling',
      'cryptography',
      'secrets',
      'logging and errors',
      'dependencies',
      'language pitfalls',
    ],
  },
  'security-champions-program': {
    'CHARTER.md': [
      'purpose and goals',
      'who champions are',
      'responsibilities',
      'training path',
      'meetings',
      'escalation',
      'recognition',
    ],
  },
  'secrets-rotation-runbook': {
    'RUNBOOK.md': [
      'secret inventory',
      'rotation principles',
      'procedures',
      'emergency rotation',
      'rotation log',
    ],
  },
  // Guides shipped beside configuration: linted, and the parts a reader comes for.
  'gha-codeql-analysis': {'docs/code-scanning.md': ['what runs', 'triage']},
  'gha-sbom-attestations': {'docs/supply-chain.md': ['verifying a release', 'requirements']},
  'nginx-security-headers': {'docs/security-headers.md': ['rolling out', 'raising hsts', 'verifying']},
  // The NIST SP 800-61 life cycle, and what a team needs to run it.
  'incident-response-plan': {
    'INCIDENT_RESPONSE_PLAN.md': [
      'severity levels',
      'roles',
      'preparation',
      'detection and analysis',
      'containment, eradication and recovery',
      'communication',
      'notification',
      'post-incident activity',
    ],
    'forms/post-incident-review.md': ['root cause', 'action items'],
  },
  // The parts of a penetration test report (PTES reporting, CREST report guidance).
  'pentest-report': {
    'REPORT.md': [
      'executive summary',
      'scope and rules of engagement',
      'methodology',
      'risk rating',
      'findings summary',
      'remediation roadmap',
    ],
    'findings/FINDING-TEMPLATE.md': ['description', 'steps to reproduce', 'impact', 'remediation'],
  },
  // What a disclosure policy must tell a researcher (ISO/IEC 29147, CERT's CVD guide).
  'vulnerability-disclosure-policy': {
    'SECURITY.md': [
      'supported versions',
      'reporting a vulnerability',
      'what to expect',
      'coordinated disclosure',
      'safe harbor',
      'scope',
    ],
    'docs/security/vulnerability-handling.md': ['roles', 'intake', 'triage', 'fix', 'disclosure'],
  },
}

/**
 * Projects with a migration runner of their own (scripts/migrate.sh): it runs against
 * PostgreSQL with seeds and tests. Other projects' SQL is applied file by file (checkSql).
 */
const SQL_PROJECTS = new Set(['postgres-migration-kit'])

/** Every checker, for every kind of file a template writes (README: "Checking the catalog"). */
export async function checkProject(name: string, dest: string): Promise<Checked> {
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
    checkSecurityTxt(dest, files),
    checkContentSecurityPolicies(dest, files),
    checkKyvernoTests(dest, files),
    checkPostgresConf(dest, files),
    checkNotebooks(dest, files),
    SQL_PROJECTS.has(name) ? checkPostgresMigrations(dest) : checkSql(dest, files),
    checkCommands(dest, PROJECT_COMMANDS[name] ?? []),
    files.includes('package.json') ? checkNodeProject(dest, nodePlan(dest, NODE_OVERRIDES[name])) : undefined,
  ]
  all.push(await checkNothingLeftRunning(dest))
  return {
    ran: all.flatMap((c) => c?.ran ?? []),
    findings: all.flatMap((c) => c?.findings ?? []),
  }
}

/**
 * A project's own commands (its tests above all) must stop what they start: a server a
 * test suite leaves behind keeps running on the developer's machine and in their CI.
 * Whatever still runs under the project a second after its commands ended is a finding,
 * and is killed so that it does not outlive the check either.
 */
async function checkNothingLeftRunning(dest: string): Promise<Checked> {
  if (processesUnder(dest).length > 0) await new Promise((resolve) => setTimeout(resolve, 1000))
  const left = processesUnder(dest)
  for (const {pid} of left) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Ended meanwhile.
    }
  }
  return {
    ran: ['nothing left running'],
    findings:
      left.length === 0
        ? []
        : [
            {
              check: 'nothing left running',
              output: `the project's commands left ${left.length} process(es) running (killed now):\n${left.map((p) => `${p.pid} ${p.command}`).join('\n')}`,
            },
          ],
  }
}
