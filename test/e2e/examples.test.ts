/**
 * Every example a user is shown, run as the user would run it: each shell example of
 * README.md and each command's `examples` (from oclif.manifest.json, so neither can drift
 * from what ships) through the built, bundled CLI (`bin/run.js`, as `maestro-tpl` on the
 * PATH) and curl, against a temporary store, a daemon started from the built CLI and a
 * local git smart-HTTP server. An example that fails fails the suite. Then every flag of
 * every command in the manifest must have been used at least once by these runs.
 *
 * What the examples leave to the reader is filled in here, in the open: placeholder hosts
 * become the test's daemon and git server, placeholder secrets real ones, and a prompt
 * for a password is answered on a real pseudo-terminal (`script`).
 */
import {spawn} from 'node:child_process'
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {startGitHttpServer, type GitHttpServer} from '../integration/sync/git-http-server.js'
import {
  ROOT,
  commandOf,
  flagsOf,
  helpExamples,
  isSynopsis,
  readManifest,
  readmeExamples,
  synopsisParts,
  type Example,
} from './examples-support.js'

const BIN = join(ROOT, 'bin', 'run.js')
const COMMANDS = readManifest()
const README = readmeExamples(readFileSync(join(ROOT, 'README.md'), 'utf8'))
/** Commands whose examples create the users and tenants other examples use run first. */
const HELP = helpExamples(COMMANDS).sort(
  (a, b) => Number(!/^(tenant|user):create$/.test(a.block)) - Number(!/^(tenant|user):create$/.test(b.block)),
)
const POSTGRES_URL = process.env.MAESTRO_TEST_POSTGRES_URL

/** Ports this suite may listen on (its daemons); everything binds to loopback. */
const PORTS = {first: 18100, last: 18199}

const ADMIN_PASSWORD = 'admin passphrase for the examples'
const USERS: Record<string, string> = {
  admin: ADMIN_PASSWORD,
  ana: 'ana passphrase for the examples',
  bob: 'bob passphrase for the examples',
  ci: 'ci passphrase for the examples',
}
/** The new password the `password` examples set; the suite sets the old one back afterwards. */
const NEW_PASSWORD = 'a new admin passphrase for the examples'

/**
 * Examples that cannot run here, with the reason. Keep this short: an example that does
 * not run is one a user may find broken.
 */
const CANNOT_RUN: {match: RegExp; reason: string}[] = [
  {
    match: /workflow (cancel|retry) /,
    reason:
      'needs an execution running (cancel) or failed (retry); test/integration/workflows/engine.test.ts runs both',
  },
  ...(POSTGRES_URL
    ? []
    : [{match: /postgres:\/\//, reason: 'needs PostgreSQL: set MAESTRO_TEST_POSTGRES_URL'}]),
]

interface Harness {
  name: string
  work: string
  cwd: string
  store: string
  env: Record<string, string>
  daemonUrl: string
  daemon?: ReturnType<typeof spawn>
  /** Named extra stores (an example "before the daemon's first start"). */
  stores: Map<string, string>
  /** The admin's sign-in (credentials.json), put back after examples that change it. */
  credentials: string
  /** Per block, the shell variables its earlier lines set (`TOKEN=$(curl ...)`), for its later lines. */
  assignments: Map<string, string[]>
}

let shimDir: string
let argvLog: string
let git: GitHttpServer
let pgSchema: string | undefined
const harnesses: Harness[] = []
const usedPorts = new Set<number>()

/** A free port of this suite's range. */
async function freePort(): Promise<number> {
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    if (usedPorts.has(port)) continue
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) {
      usedPorts.add(port)
      return port
    }
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.last}`)
}

/**
 * Runs a shell command line to the end, no terminal. Asynchronous: the git server the
 * examples sync with runs in this process and must keep answering meanwhile.
 */
function sh(
  h: Harness,
  line: string,
  env: Record<string, string> = {},
): Promise<{status: number; output: string; stdout: string}> {
  const child = spawn('bash', ['-c', line], {
    cwd: h.cwd,
    env: {...h.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({status: code ?? -1, output: `${stdout}${stderr}`, stdout})
    })
  })
}

/** Runs a command line on a pseudo-terminal (util-linux `script`), answering prompts as they appear. */
function onTerminal(
  h: Harness,
  line: string,
  answer: (prompt: string) => string | undefined,
): Promise<{status: number; output: string}> {
  const {CI: _ci, ...env} = h.env
  const child = spawn('script', ['-qefc', line, '/dev/null'], {
    cwd: h.cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let answered = 0
  const onData = (chunk: Buffer) => {
    output += chunk.toString()
    // A prompt is the text after the last answered one, ending in ": ".
    const pending = output.slice(answered)
    const prompt = /([^\n]*?): $/.exec(pending.replace(/\r/g, ''))
    if (!prompt) return
    const value = answer(prompt[1]!)
    if (value === undefined) return
    answered = output.length
    child.stdin.write(`${value}\r`)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({status: code ?? -1, output})
    })
  })
}

/** A daemon from the built CLI on `port`, resolved once it listens. */
function startServe(h: Harness, line: string, env: Record<string, string> = {}) {
  const child = spawn('bash', ['-c', `exec env ${line.replace(/\s*&$/, '')}`], {
    cwd: h.cwd,
    env: {...h.env, LOG_LEVEL: 'warn', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  return new Promise<{child: typeof child; url: string; output: () => string}>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the daemon did not start in time:\n${output}`))
    }, 60_000)
    const check = () => {
      const match = /listening on (http:\/\/\S+)|"url": "(http:\/\/[^"]+)"/.exec(output)
      if (!match) return
      clearTimeout(timer)
      resolve({child, url: (match[1] ?? match[2])!, output: () => output})
    }
    child.stdout.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the daemon exited with ${code} before listening:\n${output}`))
    })
  })
}

async function stop(child: ReturnType<typeof spawn>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  const code = await exited
  clearTimeout(timer)
  return code
}

/**
 * Signs the CLI in to the harness daemon as admin once, and keeps the sign-in, so that an
 * example that signs in as someone else, signs out or changes the password can be undone
 * without signing in again (the daemon allows 5 sign-ins a minute per user).
 */
async function signInAsAdmin(h: Harness) {
  const login = await sh(
    h,
    `printf '%s' "$ADMIN_PASSWORD" | maestro-tpl login --remote ${h.daemonUrl} --username admin --password-stdin`,
  )
  expect(login.status, login.output).toBe(0)
  h.credentials = readFileSync(credentialsFile(h), 'utf8')
}

const credentialsFile = (h: Harness) => join(h.env.XDG_CONFIG_HOME!, 'maestro-tpl', 'credentials.json')

/** Puts back the admin's password and the admin's sign-in. */
async function restoreAdmin(h: Harness) {
  const reset = await sh(
    h,
    `printf '%s' "$ADMIN_PASSWORD" | maestro-tpl user password admin --password-stdin`,
  )
  expect(reset.status, reset.output).toBe(0)
  writeFileSync(credentialsFile(h), h.credentials, {mode: 0o600})
}

async function tokenId(h: Harness): Promise<string> {
  const run = await sh(h, `maestro-tpl token create revoke-me-${Date.now()} --remote ${h.daemonUrl} --json`)
  expect(run.status, run.output).toBe(0)
  return (JSON.parse(run.stdout) as {id: string}).id
}

/** The example as it runs here: placeholders replaced by the test's daemon, servers, stores and secrets. */
async function concrete(h: Harness, example: Example, ports: {serve: number}): Promise<string> {
  const daemon = new URL(h.daemonUrl)
  const gitRepo = (path: string) => {
    const name = path.replace(/\.git$/, '').replace(/\//g, '-')
    if (!existsSync(join(git.root, `${name}.git`))) git.createRepo(name)
    return `${git.base}/${name}.git`
  }
  let line = example.line
    .replace(
      /https?:\/\/(?:templates\.example\.com|localhost:8005|127\.0\.0\.1:8005|registry\.internal:8005)/g,
      h.daemonUrl,
    )
    .replace(/(^|[\s'"])localhost:8005/g, `$1${daemon.host}`)
    .replace(/https:\/\/git\.example\.com\/(\S+)/g, (_m, path: string) => gitRepo(path))
    .replace(/MAESTRO_GIT_TOKEN=\.\.\./g, 'MAESTRO_GIT_TOKEN=token-the-test-server-ignores')
    .replace(/MAESTRO_TOKEN=(?:mtp_)?\.\.\./g, 'MAESTRO_TOKEN="$E2E_API_TOKEN"')
    .replace(/\/var\/lib\/maestro/g, h.store)
    .replace(/\/etc\/maestro\/maestro\.env/g, './maestro.env')
    .replace(/(--port |SERVICE_PORT=)(?:8005|9000)\b/g, `$1${ports.serve}`)
    // Tests listen on loopback only.
    .replace(/--host 0\.0\.0\.0/g, '--host 127.0.0.1')
  if (POSTGRES_URL && pgSchema)
    line = line.replace(
      /postgres:\/\/maestro@db:5432\/maestro/g,
      `'${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=-c%20search_path%3D${pgSchema}'`,
    )
  if (/\bTOKEN_ID\b|7c9e6679-7425-40de-944b-e07fc1f90ae7/.test(line))
    line = line.replace(/\bTOKEN_ID\b|7c9e6679-7425-40de-944b-e07fc1f90ae7/g, await tokenId(h))
  return line
}

/** Files the examples take for granted in the folder they run in. */
async function prepareFolder(h: Harness) {
  writeFileSync(join(h.cwd, 'answers.yaml'), 'project_name: billing\nport: 9000\n')
  writeFileSync(join(h.cwd, 'maestro.env'), `MIN_TEMPLATE_QUALITY_SCORE=70\nMAESTRO_HOME=${h.store}\n`)
  for (const dir of ['my-template', 'template']) {
    const run = await sh(h, `maestro-tpl create --scaffold ${dir} --category backend_developer ./${dir}`)
    expect(run.status, run.output).toBe(0)
  }
  mkdirSync(join(h.cwd, 'templates'))
  for (const name of ['fastapi-service', 'docs-site']) {
    const run = await sh(h, `maestro-tpl get ${name} --output ./templates/${name}`)
    expect(run.status, run.output).toBe(0)
  }
  // The bundled workflow folders, as a checkout holds them (`workflow validate`, `workflow create`).
  cpSync(join(ROOT, 'workflows_storage'), join(h.cwd, 'workflows_storage'), {recursive: true})
  // A workflow of one's own (`workflow delete my-workflow`): a bundled one under another name.
  cpSync(join(ROOT, 'workflows_storage', 'node-package'), join(h.cwd, 'my-workflow'), {recursive: true})
  const definition = join(h.cwd, 'my-workflow', 'workflow.yaml')
  writeFileSync(
    definition,
    readFileSync(definition, 'utf8').replace(/^name: node-package$/m, 'name: my-workflow'),
  )
}

async function openHarness(name: string): Promise<Harness> {
  const work = mkdtempSync(join(tmpdir(), `maestro-examples-${name}-`))
  const h: Harness = {
    name,
    work,
    cwd: join(work, 'cwd'),
    store: join(work, 'store'),
    stores: new Map(),
    assignments: new Map(),
    credentials: '',
    daemonUrl: '',
    env: {},
  }
  mkdirSync(h.cwd)
  // Registered first, so that afterAll stops its daemon and removes its folder whatever fails below.
  harnesses.push(h)
  const {
    VITEST: _v,
    VITEST_POOL_ID: _p,
    VITEST_WORKER_ID: _w,
    ...inherited
  } = process.env as Record<string, string>
  h.env = {
    ...inherited,
    PATH: `${shimDir}:${process.env.PATH}`,
    HOME: work,
    XDG_CONFIG_HOME: join(work, 'config'),
    MAESTRO_HOME: h.store,
    MAESTRO_E2E_ARGV_LOG: argvLog,
    SECRET_KEY: randomBytes(48).toString('base64'),
    MAESTRO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ADMIN_PASSWORD,
    ANA_PASSWORD: USERS.ana!,
    PASSWORD: USERS.ci!,
    OLD: ADMIN_PASSWORD,
    NEW: NEW_PASSWORD,
    NEW_PASSWORD,
    SERVICE_PORT: String(await freePort()),
    NO_COLOR: '1',
    CI: 'true',
  }
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'MAESTRO_REMOTE', 'MAESTRO_TOKEN', 'MAESTRO_DOTENV'])
    delete h.env[key]
  const port = await freePort()
  const daemon = await startServe(h, `maestro-tpl serve --port ${port}`)
  h.daemon = daemon.child
  h.daemonUrl = daemon.url
  await signInAsAdmin(h)
  // The users the examples sign in as; ana and bob are created by examples themselves.
  const ci = await sh(
    h,
    `printf '%s' "$PASSWORD" | maestro-tpl user create ci --role viewer --password-stdin`,
  )
  expect(ci.status, ci.output).toBe(0)
  const token = await sh(h, `maestro-tpl token create examples --role admin --remote ${h.daemonUrl} --json`)
  expect(token.status, token.output).toBe(0)
  h.env.E2E_API_TOKEN = (JSON.parse(token.stdout) as {token: string}).token
  await prepareFolder(h)
  return h
}

/** Whether an example runs the daemon (checked by starting it, asking /health and stopping it). */
const isServe = (line: string) => /(^|\s)maestro-tpl serve(\s|$)/.test(line)

/** Prompts of the interactive examples, answered with the passwords above. */
function promptAnswer(line: string): (prompt: string) => string | undefined {
  const username = /--username (\w+)/.exec(line)?.[1] ?? 'admin'
  return (prompt) => {
    if (/current password/i.test(prompt)) return ADMIN_PASSWORD
    if (/new password for (\w+)/i.test(prompt)) return USERS[/new password for (\w+)/i.exec(prompt)![1]!]
    if (/new password/i.test(prompt)) return NEW_PASSWORD
    const forUser = /password for (\w+)/i.exec(prompt)
    if (forUser) return USERS[forUser[1]!]
    if (/password/i.test(prompt)) return USERS[username]
    return undefined
  }
}

/** Commands that ask for a password at the terminal unless it is piped in. */
const asksPassword = (line: string) =>
  /maestro-tpl (login|password|user create|user password)\b/.test(line) && !line.includes('--password-stdin')

/** Examples after which the CLI's sign-in (or the admin's password) is no longer the suite's. */
const changesSignIn = (line: string) => /maestro-tpl (login|logout|password|user password admin)\b/.test(line)

/**
 * Per example, the state it assumes that an earlier example of the same list does not
 * leave: run before it, in its folder. Keyed by the example's text.
 */
const BEFORE: {match: RegExp; run: (h: Harness) => Promise<void>}[] = [
  {
    // Deleted by `delete my-template` just before; the second delete example needs it published.
    match: /^maestro-tpl delete local\/my-template/,
    run: async (h) => expect((await sh(h, 'maestro-tpl create ./my-template')).status).toBe(0),
  },
  {
    match: /^maestro-tpl delete my-template/,
    run: async (h) => expect((await sh(h, 'maestro-tpl create ./my-template')).status).toBe(0),
  },
  {
    // Published (again, if an earlier example deleted it) before each of its delete examples.
    match: /^maestro-tpl workflow delete (local\/)?my-workflow/,
    run: async (h) => {
      const run = await sh(h, 'maestro-tpl workflow create ./my-workflow')
      expect(run.status, run.output).toBe(0)
    },
  },
  {
    // Only a deleted template can be restored: publish my-template (if need be) and delete it.
    match: /^maestro-tpl restore my-template/,
    run: async (h) => {
      await sh(h, 'maestro-tpl create ./my-template')
      const run = await sh(h, 'maestro-tpl delete my-template --yes')
      expect(run.status, run.output).toBe(0)
    },
  },
  {
    // ana is created by an example of another command; these sign in or act as/on her.
    match: /--username ana|user (grant|revoke|password) ana|user create bob/,
    run: async (h) => ensureUser(h, 'ana', 'editor'),
  },
  {
    // update, check and register work on a project an earlier example may not have left.
    match: /^maestro-tpl (update|check|register) \.\/billing/,
    run: async (h) => {
      if (existsSync(join(h.cwd, 'billing', '.maestro-answers.yaml'))) return
      rmSync(join(h.cwd, 'billing'), {recursive: true, force: true})
      const run = await sh(h, 'maestro-tpl instantiate fastapi-service ./billing --defaults')
      expect(run.status, run.output).toBe(0)
    },
  },
  {
    // `latest` names the caller's most recent execution: on a store with none, run one first.
    match: /^maestro-tpl workflow (status|logs|cancel|retry) latest\b/,
    run: async (h) => {
      if ((await sh(h, 'maestro-tpl workflow status latest --json')).status === 0) return
      const run = await sh(h, 'maestro-tpl workflow run python-service ./workflow-latest --defaults --force')
      expect(run.status, run.output).toBe(0)
    },
  },
  {
    match: /--tenant acme|--namespace acme|sync acme/,
    run: async (h) => ensureTenant(h, 'acme'),
  },
  {
    // Revoking the last admin of a tenant is refused: bob becomes one too.
    match: /user revoke ana --tenant acme/,
    run: async (h) => {
      await ensureUser(h, 'bob', 'viewer')
      const run = await sh(h, `maestro-tpl user grant bob admin --tenant acme`)
      expect(run.status, run.output).toBe(0)
    },
  },
  {
    match: /--username ana --tenant acme/,
    run: async (h) => {
      const run = await sh(h, `maestro-tpl user grant ana editor --tenant acme`)
      expect(run.status, run.output).toBe(0)
    },
  },
]

async function ensureTenant(h: Harness, tenant: string) {
  const list = await sh(h, 'maestro-tpl tenant list --json')
  if (!list.stdout.includes(`"${tenant}"`))
    expect((await sh(h, `maestro-tpl tenant create ${tenant}`)).status).toBe(0)
}

async function ensureUser(h: Harness, user: string, role: string) {
  const list = await sh(h, 'maestro-tpl user list --json')
  if (list.stdout.includes(`"${user}"`)) return
  const run = await sh(
    h,
    `printf '%s' '${USERS[user]}' | maestro-tpl user create ${user} --role ${role} --password-stdin`,
  )
  expect(run.status, run.output).toBe(0)
}

/**
 * Examples that set up a store of their own ("create the first admin before the first
 * start", a tenant created locally) run on a new store, shared by the rest of their block.
 */
function freshStoreFor(h: Harness, example: Example): string | undefined {
  const own =
    /user create admin --role admin/.test(example.line) || /tenant create (?!.*--remote)/.test(example.line)
  if (!own && !h.stores.has(example.block)) return undefined
  let store = h.stores.get(example.block)
  if (!store) {
    store = join(h.work, `store-${h.stores.size + 1}`)
    h.stores.set(example.block, store)
  }
  return store
}

/** Runs an example and checks its exit status; returns what it printed. */
async function runExample(h: Harness, example: Example, expected = 0): Promise<string> {
  for (const before of BEFORE) if (before.match.test(example.line)) await before.run(h)
  // An instantiate example writes into a new folder: an earlier example may have used the same one.
  const dest = /maestro-tpl instantiate \S+ (\.\/\S+)/.exec(example.line)?.[1]
  if (dest && !example.line.includes('--dry-run')) rmSync(join(h.cwd, dest), {recursive: true, force: true})
  const store = freshStoreFor(h, example)
  const env: Record<string, string> = store ? {MAESTRO_HOME: store} : {}
  const serve = isServe(example.line) ? await freePort() : 0
  const line = await concrete(h, example, {serve})
  if (isServe(line) && expected === 0) {
    const daemon = await startServe(h, line, {...env, SERVICE_PORT: String(serve)})
    try {
      const health = await fetch(`${daemon.url}/health`)
      expect(health.status, daemon.output()).toBe(200)
    } finally {
      expect(await stop(daemon.child), daemon.output()).toBe(0)
      usedPorts.delete(serve)
    }
    return daemon.output()
  }
  const earlier = h.assignments.get(example.block) ?? []
  // A line that only sets a variable (`TOKEN=$(curl ...)`) sets it for the rest of its block,
  // as in the reader's shell: its value is kept, so later lines do not run it again (a sign-in
  // run once per line would meet the daemon's sign-in rate limit).
  const assigned =
    /^[A-Za-z_]\w*=\S/.test(line) && !/^(?:[A-Za-z_]\w*=\S*\s+)+\S/.test(line.replace(/\$\([^)]*\)/g, 'X'))
      ? /^[A-Za-z_]\w*/.exec(line)![0]
      : undefined
  const marker = '\n__maestro_assigned__='
  const script = [
    ...earlier,
    line,
    ...(assigned ? [`printf '${marker.replace('\n', '\\n')}%s' "$${assigned}"`] : []),
  ].join('\n')
  const run = asksPassword(line)
    ? await onTerminal({...h, env: {...h.env, ...env}}, script, promptAnswer(line))
    : await sh(h, script, env)
  if (assigned) {
    const at = run.output.lastIndexOf(marker)
    const value = at >= 0 ? run.output.slice(at + marker.length).trimEnd() : ''
    run.output = at >= 0 ? run.output.slice(0, at) : run.output
    h.assignments.set(example.block, [...earlier, `${assigned}='${value.replaceAll("'", "'\\''")}'`])
  }
  if (changesSignIn(line)) await restoreAdmin(h)
  expect(run.status, `${example.source}: ${line}\n${run.output}`).toBe(expected)
  // What an example saves must be what it says: a zip, not an error document named .zip.
  for (const zip of line.matchAll(/-o (\S+\.zip)\b/g))
    expect(readFileSync(join(h.cwd, zip[1]!)).subarray(0, 2).toString('latin1'), `${zip[1]} is a zip`).toBe(
      'PK',
    )
  return run.output
}

beforeAll(async () => {
  shimDir = mkdtempSync(join(tmpdir(), 'maestro-examples-bin-'))
  argvLog = join(shimDir, 'argv.log')
  // `maestro-tpl` on the PATH is the built bin/run.js; it logs its arguments for the flag coverage.
  const shim = join(shimDir, 'maestro-tpl')
  writeFileSync(
    shim,
    `#!${process.execPath}\n` +
      `import {appendFileSync} from 'node:fs'\n` +
      `appendFileSync(process.env.MAESTRO_E2E_ARGV_LOG, JSON.stringify(process.argv.slice(2)) + '\\n')\n` +
      `await import(${JSON.stringify(pathToFileURL(BIN).href)})\n`,
  )
  chmodSync(shim, 0o755)
  writeFileSync(join(shimDir, 'package.json'), '{"type": "module"}\n')
  git = await startGitHttpServer()
  if (POSTGRES_URL) {
    const {default: pg} = await import('pg')
    pgSchema = `e2e_examples_${process.pid}_${Date.now()}`
    const client = new pg.Client({connectionString: POSTGRES_URL})
    await client.connect()
    await client.query(`CREATE SCHEMA ${pgSchema}`)
    await client.end()
  }
}, 60_000)

afterAll(async () => {
  for (const h of harnesses) {
    if (h.daemon) await stop(h.daemon)
    rmSync(h.work, {recursive: true, force: true})
  }
  await git?.close()
  if (POSTGRES_URL && pgSchema) {
    const {default: pg} = await import('pg')
    const client = new pg.Client({connectionString: POSTGRES_URL})
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`)
    await client.end()
  }
  rmSync(shimDir, {recursive: true, force: true})
}, 60_000)

describe('README.md examples, through the built CLI', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness('readme')
  }, 120_000)

  for (const example of README) {
    if (isSynopsis(example.line)) {
      it(`${example.source}: usage line ${example.line}`, () => {
        const {words, flags} = synopsisParts(example.line)
        const id = commandOf(words, COMMANDS)
        expect(id, `${example.line} names no command`).toBeDefined()
        for (const flag of flags) expect(Object.keys(COMMANDS[id!]!.flags), example.line).toContain(flag)
      })
      continue
    }
    const skip = CANNOT_RUN.find((c) => c.match.test(example.line))
    if (skip) it.skip(`${example.source}: ${example.line} (cannot run here: ${skip.reason})`)
    else it(`${example.source}: ${example.line}`, () => runExample(h, example), 120_000)
  }
})

describe('--help examples of every command, through the built CLI', () => {
  let h: Harness
  beforeAll(async () => {
    h = await openHarness('help')
  }, 120_000)

  for (const example of HELP) {
    const skip = CANNOT_RUN.find((c) => c.match.test(example.line))
    if (skip) it.skip(`${example.source}: ${example.line} (cannot run here: ${skip.reason})`)
    else it(`${example.source}: ${example.line}`, () => runExample(h, example), 120_000)
  }
})

/**
 * Runs that use the flags no example shows, so that every flag of every command runs
 * through the bundle at least once; each with the exit status it must end with. The
 * global flags (--store, --dotenv, --remote, --json) are given to every command here.
 * They run like the examples (same placeholders, prompts and sign-in handling).
 */
const LOCAL = '--store "$MAESTRO_HOME" --dotenv ./maestro.env'
const DAEMON = 'http://localhost:8005'
const FLAG_RUNS: {line: string; status: number; output?: RegExp}[] = [
  {line: `maestro-tpl create ./my-template --namespace local --json ${LOCAL}`, status: 0},
  {line: `maestro-tpl create ./template --remote ${DAEMON} --json`, status: 0},
  {line: `maestro-tpl versions template ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl delete template --yes --remote ${DAEMON} ${LOCAL}`, status: 0},
  // Brings back what the line above deleted on the daemon.
  {line: `maestro-tpl restore template --remote ${DAEMON} ${LOCAL}`, status: 0},
  {line: `maestro-tpl db migrate --json ${LOCAL}`, status: 0},
  {
    line: `maestro-tpl update ./billing --to ^1 --answers ./billing/.maestro-answers.yaml --force --dry-run --json ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl check ./billing --json ${LOCAL}`, status: 0},
  {line: `maestro-tpl check ./billing --remote ${DAEMON} ${LOCAL}`, status: 0},
  {line: `maestro-tpl update ./billing --dry-run --remote ${DAEMON} ${LOCAL}`, status: 0},
  {line: `maestro-tpl register ./billing --name flags-billing --json --remote ${DAEMON} ${LOCAL}`, status: 0},
  {line: `maestro-tpl db migrate --remote ${DAEMON}`, status: 2},
  {line: `maestro-tpl get fastapi-service --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl get fastapi-service --output ./fastapi-service --force`, status: 0},
  {line: `maestro-tpl instantiate fastapi-service ./billing --force --defaults ${LOCAL}`, status: 0},
  {line: `maestro-tpl instantiate docs-site ./docs --defaults --remote ${DAEMON}`, status: 0},
  {
    line: `maestro-tpl search api --author "Maestro Team" --limit 5 --offset 0 --exact-total ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl quality report ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl reindex --remote ${DAEMON} --dotenv ./maestro.env`, status: 0},
  {line: `maestro-tpl validate ./my-template --json ${LOCAL}`, status: 0},
  {line: `maestro-tpl whoami --remote ${DAEMON} --json ${LOCAL}`, status: 0},
  {line: `maestro-tpl serve --json ${LOCAL} --port 8005`, status: 0},
  {line: `maestro-tpl serve --remote ${DAEMON}`, status: 2},
  {line: `maestro-tpl sync --from-remote ${DAEMON} --query fastapi --into mirror-flags ${LOCAL}`, status: 0},
  {line: `maestro-tpl sync --remote ${DAEMON}`, status: 2},
  {line: `maestro-tpl tenant create flags-tenant --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl tenant list ${LOCAL}`, status: 0},
  {line: `maestro-tpl token create flags ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl token list --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl token revoke TOKEN_ID --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {
    line: `printf '%s' 'flags user passphrase' | maestro-tpl user create flags-user --role viewer --password-stdin --json ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl user grant flags-user editor --json ${LOCAL}`, status: 0},
  {line: `maestro-tpl user list ${LOCAL}`, status: 0},
  {
    line: `printf '%s' 'another flags passphrase' | maestro-tpl user password flags-user --password-stdin --json ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl user revoke flags-user --json ${LOCAL}`, status: 0},
  {
    line: `printf '%s\n%s\n' "$OLD" "$NEW" | maestro-tpl password --remote ${DAEMON} --password-stdin --json ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl logout --remote ${DAEMON} --json ${LOCAL}`, status: 0},
  {
    line: `printf '%s' "$ADMIN_PASSWORD" | maestro-tpl login --remote ${DAEMON} --username admin --password-stdin --json ${LOCAL}`,
    status: 0,
  },
  {line: `maestro-tpl workflow list python --limit 3 --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl workflow get python-service@^1 ${LOCAL} --remote ${DAEMON}`, status: 0},
  {
    line: `maestro-tpl workflow validate ./workflows_storage/web-app --json ${LOCAL} --remote ${DAEMON}`,
    status: 0,
  },
  {
    line: `maestro-tpl workflow create ./workflows_storage/web-app --json ${LOCAL} --remote ${DAEMON}`,
    status: 0,
  },
  {
    line: `maestro-tpl workflow run python-service ./billing-flags --defaults --json ${LOCAL} --remote ${DAEMON}`,
    status: 0,
  },
  {line: `maestro-tpl workflow status latest --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl workflow logs latest --after 1 --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  // The latest execution succeeded: it can be neither cancelled nor retried, and says so.
  {
    line: `maestro-tpl workflow cancel latest --json ${LOCAL} --remote ${DAEMON}`,
    status: 1,
    output:
      /"code": "EXECUTION_STATE"[\s\S]*is succeeded; only a queued or running execution can be cancelled/,
  },
  {
    line: `maestro-tpl workflow retry latest ./billing-flags --json ${LOCAL} --remote ${DAEMON}`,
    status: 1,
    output:
      /"code": "EXECUTION_STATE"[\s\S]*is succeeded; only a failed or cancelled execution can be retried/,
  },
  {line: `maestro-tpl workflow create ./my-workflow ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: `maestro-tpl workflow delete my-workflow --yes --json ${LOCAL} --remote ${DAEMON}`, status: 0},
  {line: 'maestro-tpl help --nested-commands', status: 0},
]

describe('every flag of every command', () => {
  let h: Harness
  beforeAll(() => {
    h = harnesses[harnesses.length - 1]!
  })

  for (const run of FLAG_RUNS)
    it(`runs ${run.line}`, async () => {
      const output = await runExample(h, {source: 'flag table', line: run.line, block: 'flags'}, run.status)
      if (run.output) expect(output).toMatch(run.output)
    }, 120_000)

  it('has run every flag of every command in the manifest at least once', () => {
    const covered = new Set<string>()
    for (const entry of readFileSync(argvLog, 'utf8').trim().split('\n')) {
      const argv = JSON.parse(entry) as string[]
      const id = commandOf(argv, COMMANDS)
      if (!id) continue
      for (const flag of flagsOf(argv, COMMANDS[id]!)) covered.add(`${id} --${flag}`)
    }
    const missing = Object.values(COMMANDS).flatMap((command) =>
      Object.keys(command.flags)
        .map((flag) => `${command.id} --${flag}`)
        .filter((cell) => !covered.has(cell)),
    )
    expect(missing, 'flags no example or FLAG_RUNS line uses').toEqual([])
  })
})
