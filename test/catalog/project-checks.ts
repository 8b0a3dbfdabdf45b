/**
 * Every checker the catalog has, run over a generated project: the checks a template's
 * output must pass (README: "Checking the catalog"). Used for the templates themselves
 * (generated-projects.test.ts) and for the results of the bundled workflows that compose
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
  checkGraphql,
  checkKubernetes,
  checkNginx,
  checkOpenApi,
  checkSql,
  checkTerraform,
  checkWorkflows,
  checkXml,
} from './kinds.js'
import type {Checked} from './tools.js'

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

/** What a project's own CI workflow runs, for projects that have no package.json. */
const PROJECT_COMMANDS: Record<string, string[][]> = {
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
    checkNginx(dest, files),
    SQL_PROJECTS.has(name) ? checkPostgresMigrations(dest) : checkSql(dest, files),
    checkCommands(dest, PROJECT_COMMANDS[name] ?? []),
    files.includes('package.json') ? checkNodeProject(dest, nodePlan(dest, NODE_OVERRIDES[name])) : undefined,
  ]
  return {
    ran: all.flatMap((c) => c?.ran ?? []),
    findings: all.flatMap((c) => c?.findings ?? []),
  }
}
