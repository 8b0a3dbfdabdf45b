/**
 * What the generated-projects check needs from the machine: external checkers
 * (shellcheck, yamllint, psql, python3, npm), a clean environment for the generated
 * projects' own tooling, and a node_modules cache keyed by a project's dependencies.
 */
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/** In CI a checker that is missing fails the run; locally it is skipped with a message. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * Outside the clone: CI checks out a fresh clone on a machine that is kept between runs, and
 * `npm ci` empties node_modules, so a cache there would always start cold.
 */
export const CACHE_DIR =
  process.env.MAESTRO_CATALOG_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'maestro-catalog')

/**
 * A cached node_modules is used for at most a week: then `npm install` runs again, so the
 * ranges a template declares are tried against what the registry serves now.
 */
const CACHE_MAX_AGE_MS = 7 * 24 * 3600 * 1000

/** One failed check: what was run and what it said. */
export interface Finding {
  check: string
  output: string
}

/** What a checker did: the checks it ran (one entry of the catalog:check table each) and what failed. */
export interface Checked {
  ran: string[]
  findings: Finding[]
}

/** A checker that found nothing of its kind to check. */
export const none = (): Checked => ({ran: [], findings: []})

export interface RunResult {
  status: number
  output: string
}

/**
 * The environment for a generated project's tools: this process's, without what npm and
 * vitest set for maestro-tpl's own run (npm_package_*, VITEST_*, NODE_ENV=test), which would
 * otherwise leak into the nested npm and vitest.
 */
export function projectEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^(npm_(?!config_(registry|cache|userconfig)$)|VITEST|TEST$|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$)/.test(
        key,
      )
    ) {
      continue
    }
    env[key] = value
  }
  return {
    ...env,
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    // Browsers are not needed for what is run here (no e2e run, no diagram rendering).
    PUPPETEER_SKIP_DOWNLOAD: '1',
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
    ...extra,
  }
}

/** Runs a command to the end and returns its exit status and combined output. */
export function run(
  command: string,
  args: string[],
  opts: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number} = {},
): RunResult {
  const result = spawnSync(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? projectEnv(),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`
  return {status: result.status ?? -1, output}
}

const available = new Map<string, boolean>()

/**
 * Whether a checker is installed. In CI a missing one throws (the check must not pass by
 * not running); locally it warns once and the caller skips that check.
 */
export function haveTool(name: string, installHint: string): boolean {
  if (!available.has(name)) {
    available.set(name, run('sh', ['-c', `command -v ${name}`]).status === 0)
  }
  if (available.get(name)) return true
  const message = `${name} is not installed (${installHint})`
  if (IN_CI) throw new Error(`${message}: CI must run every catalog check`)
  console.warn(`catalog check SKIPPED: ${message}`)
  return false
}

/** The parts of package.json that decide what `npm install` puts in node_modules. */
export function dependencyKey(projectDir: string, npmVersion: string): string {
  const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as Record<string, unknown>
  const relevant = [
    'dependencies',
    'devDependencies',
    'optionalDependencies',
    'peerDependencies',
    'overrides',
  ]
  const key = JSON.stringify([
    process.version.split('.')[0],
    npmVersion,
    ...relevant.map((field) => pkg[field] ?? null),
  ])
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

/** What installDependencies answers for a package.json that declares no dependencies. */
export const NO_DEPENDENCIES = 'no dependencies to install'

/**
 * `npm install` in a generated project, with node_modules shared between projects that
 * declare the same dependencies: the first install is real and its node_modules is kept
 * (hard links) under CACHE_DIR/node_modules/<key>; later projects get a hard-linked copy.
 */
export function installDependencies(projectDir: string, npmVersion: string): RunResult & {cached: boolean} {
  // A project on Node's standard library alone (node:test, node:http) has nothing to
  // install, and npm writes no node_modules for it to cache.
  const pkg = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as Record<string, unknown>
  const declared = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some(
    (field) => Object.keys((pkg[field] as object | undefined) ?? {}).length > 0,
  )
  if (!declared) return {status: 0, output: NO_DEPENDENCIES, cached: true}
  const key = dependencyKey(projectDir, npmVersion)
  const cached = join(CACHE_DIR, 'node_modules', key)
  const marker = join(cached, 'complete')
  if (existsSync(marker) && Date.now() - statSync(marker).mtimeMs < CACHE_MAX_AGE_MS) {
    copyTree(join(cached, 'node_modules'), join(projectDir, 'node_modules'))
    return {status: 0, output: `node_modules from the cache (${key})`, cached: true}
  }
  const result = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {cwd: projectDir})
  if (result.status === 0) {
    const partial = `${cached}.${process.pid}`
    rmSync(partial, {recursive: true, force: true})
    mkdirSync(partial, {recursive: true})
    copyTree(join(projectDir, 'node_modules'), join(partial, 'node_modules'))
    writeFileSync(join(partial, 'complete'), `${new Date().toISOString()}\n`)
    if (existsSync(marker) && Date.now() - statSync(marker).mtimeMs < CACHE_MAX_AGE_MS) {
      // Another shard cached the same set meanwhile, and may be copying from it: keep it.
      rmSync(partial, {recursive: true, force: true})
    } else {
      rmSync(cached, {recursive: true, force: true})
      renameSync(partial, cached)
    }
  }
  return {...result, cached: false}
}

/** A copy made of hard links where the file system allows it (fast, no extra space). */
function copyTree(from: string, to: string): void {
  if (run('cp', ['-al', from, to]).status === 0) return
  rmSync(to, {recursive: true, force: true})
  cpSync(from, to, {recursive: true, verbatimSymlinks: true})
}

/** The markdownlint CLI every Markdown check uses (one pinned version, so rules do not drift between checks). */
export const MARKDOWNLINT = 'markdownlint-cli@0.41.0'

/**
 * A command-line tool from the npm registry at a pinned version (the version a template's
 * own CI uses), installed once under CACHE_DIR/tools; returns the path of its bin folder.
 */
export function npmTool(spec: string): string {
  const dir = join(CACHE_DIR, 'tools', spec.replace(/[^\w.@-]+/g, '_'))
  if (!existsSync(join(dir, 'complete'))) {
    // Installed beside and moved in whole: the catalog's shards may want the same tool at once.
    const partial = `${dir}.${process.pid}`
    rmSync(partial, {recursive: true, force: true})
    mkdirSync(partial, {recursive: true})
    writeFileSync(join(partial, 'package.json'), '{"private": true}\n')
    const result = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', spec], {
      cwd: partial,
    })
    if (result.status !== 0) throw new Error(`could not install ${spec}: ${result.output}`)
    writeFileSync(join(partial, 'complete'), `${new Date().toISOString()}\n`)
    if (existsSync(join(dir, 'complete'))) {
      rmSync(partial, {recursive: true, force: true})
    } else {
      rmSync(dir, {recursive: true, force: true})
      renameSync(partial, dir)
    }
  }
  return join(dir, 'node_modules', '.bin')
}

/**
 * The processes (other than this one) whose working folder or command line lies under
 * `dir`, read from /proc: what a project's commands left running. Empty where there is
 * no /proc.
 */
export function processesUnder(dir: string): {pid: number; command: string}[] {
  if (!existsSync('/proc/self')) return []
  const root = realpathSync(dir)
  const inside = (path: string) => path === root || path.startsWith(`${root}/`)
  const found: {pid: number; command: string}[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
      if (command === '') continue // a zombie, already gone but for its exit status
      const cwd = readlinkSync(`/proc/${pid}/cwd`)
      if (inside(cwd) || command.includes(`${root}/`)) found.push({pid, command})
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found
}
