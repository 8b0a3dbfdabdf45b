/**
 * Checks of a generated project by the kind of its files, each by a real checker:
 * JSON and YAML parsed (and yamllint), shell scripts by `bash -n` and shellcheck, Python
 * by compileall and tomllib, SQL by running the project's migrations and tests with
 * psql, and Node projects by their own `npm install` and scripts.
 */
import {randomBytes} from 'node:crypto'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'

import {parseAllDocuments} from 'yaml'

import {
  type Checked,
  type Finding,
  haveTool,
  installDependencies,
  MARKDOWNLINT,
  NO_DEPENDENCIES,
  none,
  npmTool,
  projectEnv,
  run,
} from './tools.js'

export function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, {withFileTypes: true})) {
      if (entry.name === 'node_modules' || entry.name === '__pycache__') continue
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else out.push(relative(dir, path))
    }
  }
  walk(dir)
  return out.sort()
}

const YAMLLINT_CONFIG = `
extends: default
rules:
  line-length: disable
  document-start: disable
  truthy: {allowed-values: ['true', 'false', 'on'], check-keys: true}
  comments: {min-spaces-from-content: 1}
`

export function checkJsonAndYaml(dir: string, files: string[]): Checked {
  const findings: Finding[] = []
  const ran: string[] = []
  const jsonFiles = files.filter((f) => f.endsWith('.json'))
  if (jsonFiles.length > 0) ran.push(`JSON.parse (${jsonFiles.length})`)
  for (const file of jsonFiles) {
    try {
      JSON.parse(readFileSync(join(dir, file), 'utf8'))
    } catch (err) {
      findings.push({check: `JSON.parse ${file}`, output: (err as Error).message})
    }
  }
  const yamlFiles = files.filter((f) => /\.ya?ml$/.test(f))
  if (yamlFiles.length > 0) ran.push(`YAML parse (${yamlFiles.length})`)
  for (const file of yamlFiles) {
    // Custom tags (mkdocs' !!python/name) are fine for the tool that reads them; syntax errors are not.
    const parsed = parseAllDocuments(readFileSync(join(dir, file), 'utf8'))
    const list = 'empty' in parsed ? parsed.errors : parsed.flatMap((doc) => doc.errors)
    if (list.length > 0)
      findings.push({check: `YAML parse ${file}`, output: list.map((e) => e.message).join('\n')})
  }
  if (yamlFiles.length > 0 && haveTool('yamllint', 'apt-get install yamllint')) {
    ran.push('yamllint')
    const result = run('yamllint', ['-f', 'parsable', '-d', YAMLLINT_CONFIG, ...yamlFiles], {cwd: dir})
    if (result.status !== 0) findings.push({check: 'yamllint', output: result.output})
  }
  return {ran, findings}
}

function isShellScript(dir: string, file: string): boolean {
  if (file.endsWith('.sh') || file.endsWith('.bash')) return true
  if (/\.[a-z]+$/i.test(file.split('/').pop() ?? '')) return false
  const head = readFileSync(join(dir, file), 'utf8').slice(0, 80)
  return /^#!.*\b(ba)?sh\b/.test(head)
}

export function checkShellScripts(dir: string, files: string[]): Checked {
  const scripts = files.filter((f) => isShellScript(dir, f))
  if (scripts.length === 0) return none()
  const findings: Finding[] = []
  const ran = [`bash -n (${scripts.length})`]
  for (const script of scripts) {
    const syntax = run('bash', ['-n', script], {cwd: dir})
    if (syntax.status !== 0) findings.push({check: `bash -n ${script}`, output: syntax.output})
    if ((statSync(join(dir, script)).mode & 0o111) === 0 && !script.endsWith('.sh')) {
      findings.push({
        check: `executable ${script}`,
        output: 'a script without an extension should be executable',
      })
    }
  }
  if (haveTool('shellcheck', 'apt-get install shellcheck')) {
    ran.push('shellcheck')
    const result = run('shellcheck', ['-f', 'gcc', ...scripts], {cwd: dir})
    if (result.status !== 0) findings.push({check: 'shellcheck', output: result.output})
  }
  return {ran, findings}
}

export function checkPython(dir: string, files: string[]): Checked {
  const findings: Finding[] = []
  const ran: string[] = []
  const hasPython = files.some((f) => f.endsWith('.py'))
  const tomlFiles = files.filter((f) => f.endsWith('.toml'))
  const requirementFiles = files.filter((f) => /(^|\/)(pyproject\.toml|requirements[\w-]*\.txt)$/.test(f))
  if (!hasPython && tomlFiles.length === 0 && requirementFiles.length === 0) return none()
  if (!haveTool('python3', 'apt-get install python3')) return none()
  if (tomlFiles.length > 0) ran.push(`tomllib (${tomlFiles.length})`)
  if (hasPython) {
    ran.push('python3 -m compileall')
    // -q: only errors are printed; the bytecode goes beside the project, not into it.
    const result = run('python3', ['-m', 'compileall', '-q', '-x', 'node_modules', '.'], {
      cwd: dir,
      env: projectEnv({PYTHONPYCACHEPREFIX: join(dir, '..', '.pycache')}),
    })
    if (result.status !== 0) findings.push({check: 'python3 -m compileall', output: result.output})
  }
  for (const file of tomlFiles) {
    const result = run(
      'python3',
      ['-c', 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))', file],
      {
        cwd: dir,
      },
    )
    if (result.status !== 0) findings.push({check: `tomllib ${file}`, output: result.output})
  }
  if (requirementFiles.length > 0) {
    ran.push('requirement specifiers')
    const result = run('python3', ['-c', CHECK_REQUIREMENTS, ...requirementFiles], {cwd: dir})
    if (result.status !== 0) findings.push({check: 'Python requirement specifiers', output: result.output})
  }
  return {ran, findings}
}

/**
 * Parses every dependency of pyproject.toml (project, optional, build-system, dependency
 * groups) and requirements*.txt with `packaging`, the parser pip uses (pip's own copy when
 * packaging is not installed): PyPI is out of reach here, but a malformed specifier is not.
 */
const CHECK_REQUIREMENTS = String.raw`
import sys, tomllib
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
errors = []
for path in sys.argv[1:]:
    if path.endswith('.toml'):
        data = tomllib.load(open(path, 'rb'))
        project = data.get('project', {})
        specs = list(project.get('dependencies', []))
        for group in project.get('optional-dependencies', {}).values():
            specs += group
        specs += data.get('build-system', {}).get('requires', [])
        for group in data.get('dependency-groups', {}).values():
            specs += [s for s in group if isinstance(s, str)]
    else:
        specs = [line.split(' #')[0].strip() for line in open(path)]
        specs = [s for s in specs if s and not s.startswith(('#', '-'))]
    for spec in specs:
        try:
            Requirement(spec)
        except Exception as err:
            errors.append(f'{path}: {spec!r}: {err}')
print('\n'.join(errors))
sys.exit(1 if errors else 0)
`

/** Every .PHONY target of a Makefile, dry-run by GNU make (`make -n`): syntax and prerequisites. */
export function checkMakefile(dir: string, files: string[]): Checked {
  if (!files.includes('Makefile') || !haveTool('make', 'apt-get install make')) return none()
  const text = readFileSync(join(dir, 'Makefile'), 'utf8')
  const targets = [...text.matchAll(/^\.PHONY:(.*)$/gm)]
    .flatMap((m) => m[1]!.trim().split(/\s+/))
    .filter(Boolean)
  const findings: Finding[] = []
  for (const target of targets.length > 0 ? targets : ['']) {
    const result = run('make', ['-n', ...(target ? [target] : [])], {cwd: dir})
    if (result.status !== 0) findings.push({check: `make -n ${target}`.trim(), output: result.output})
  }
  return {ran: [`make -n (${targets.length || 1} targets)`], findings}
}

/**
 * A project's migrations applied to a database of its own, its seed data loaded, its SQL
 * tests run, and every migration rolled back and applied again; then the database (and the
 * roles the migrations created) are dropped.
 */
export function checkPostgresMigrations(dir: string): Checked {
  const url = process.env.MAESTRO_TEST_POSTGRES_URL
  if (!url) {
    if (process.env.CI === 'true')
      throw new Error('MAESTRO_TEST_POSTGRES_URL is not set: CI must run the SQL checks')
    console.warn('catalog check SKIPPED: SQL (set MAESTRO_TEST_POSTGRES_URL to run migrations with psql)')
    return none()
  }
  if (!haveTool('psql', 'apt-get install postgresql-client')) return none()
  const database = `maestro_catalog_${randomBytes(6).toString('hex')}`
  const admin = (sql: string) => run('psql', [url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', sql])
  const rolesBefore = new Set(admin('SELECT rolname FROM pg_roles').output.split('\n'))
  const created = admin(`CREATE DATABASE ${database}`)
  if (created.status !== 0) return {ran: [], findings: [{check: 'CREATE DATABASE', output: created.output}]}
  const target = new URL(url)
  target.pathname = `/${database}`
  const env = projectEnv({DATABASE_URL: target.toString(), APP_ENV: 'development'})
  const findings: Finding[] = []
  try {
    const steps: [string, string[]][] = [
      ['migrate up', ['bash', 'scripts/migrate.sh', 'up']],
      ...(listFiles(dir).some((f) => f.startsWith('db/seeds/'))
        ? [['seed', ['bash', 'scripts/seed.sh']]]
        : []),
      ...listFiles(dir)
        .filter((f) => /^tests\/.*\.sql$/.test(f))
        .map((f): [string, string[]] => [
          `psql -f ${f}`,
          ['psql', target.toString(), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', f],
        ]),
      ['migrate reset (every down, then every up)', ['bash', 'scripts/migrate.sh', 'reset']],
      ['migrate status', ['bash', 'scripts/migrate.sh', 'status']],
    ] as [string, string[]][]
    for (const [name, [command, ...args]] of steps) {
      const result = run(command!, args, {cwd: dir, env})
      if (result.status !== 0) {
        findings.push({check: name, output: result.output})
        break
      }
      if (name === 'migrate status' && !/^0 pending$/m.test(result.output)) {
        findings.push({check: name, output: result.output})
      }
    }
  } finally {
    admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    const sql = listFiles(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
    for (const role of admin('SELECT rolname FROM pg_roles').output.split('\n')) {
      // Only roles this run created, and that the project's SQL names.
      if (role && !rolesBefore.has(role) && sql.includes(role)) admin(`DROP ROLE IF EXISTS "${role}"`)
    }
  }
  return {ran: ['PostgreSQL: migrate up, seed, SQL tests, reset, status'], findings}
}

/** How a Node project is checked: which npm scripts (or commands) run after `npm install`. */
export interface NodePlan {
  steps: {name: string; args: string[]}[]
}

const npmVersion = (() => {
  let version: string | undefined
  return () => (version ??= run('npm', ['--version']).output.trim())
})()

export function nodePlan(dir: string, overrides: Record<string, string[][]> = {}): NodePlan {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>
  }
  const scripts = pkg.scripts ?? {}
  const steps: NodePlan['steps'] = []
  for (const name of ['build', 'typecheck', 'lint', 'format:check', 'test']) {
    const override = overrides[name]
    if (override) {
      for (const args of override) steps.push({name: args.join(' '), args})
    } else if (scripts[name]) {
      steps.push({name: `npm run ${name}`, args: ['npm', 'run', name]})
    }
  }
  return {steps}
}

export function checkNodeProject(dir: string, plan: NodePlan): Checked {
  if (!haveTool('npm', 'install Node.js with npm')) return none()
  const install = installDependencies(dir, npmVersion())
  if (install.status !== 0)
    return {ran: ['npm install'], findings: [{check: 'npm install', output: install.output}]}
  const findings: Finding[] = []
  for (const step of plan.steps) {
    const [command, ...args] = step.args
    const result = run(command!, args, {cwd: dir})
    if (result.status !== 0) findings.push({check: step.name, output: result.output.slice(-6000)})
  }
  const installed = install.output === NO_DEPENDENCIES ? [] : ['npm install']
  return {ran: [...installed, ...plan.steps.map((s) => s.name)], findings}
}

/**
 * Commands a project's own CI runs (its workflow), for projects without a package.json:
 * each must exit 0. `markdownlint PATTERN...` runs markdownlint-cli at the version the
 * workflow pins.
 */
export function checkCommands(dir: string, commands: string[][]): Checked {
  const findings: Finding[] = []
  for (const [command, ...args] of commands) {
    const bin = command === 'markdownlint' ? join(npmTool(MARKDOWNLINT), 'markdownlint') : command!
    const result = run(bin, args, {cwd: dir})
    if (result.status !== 0) findings.push({check: [command, ...args].join(' '), output: result.output})
  }
  return {ran: commands.map((c) => c.join(' ')), findings}
}
