/**
 * Defects found by using the built, bundled CLI (`bin/run.js`) as a user does, each
 * checked through it: answers files, `.env` files and foreign databases, mirroring a
 * daemon into a fresh store, and Ctrl-C at a prompt on a real pseudo-terminal.
 */
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import Sqlite from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {BIN} from '../helpers/command.js'
import {exited} from '../helpers/daemon.js'

const POSTGRES_URL = process.env.MAESTRO_TEST_POSTGRES_URL
/** This suite's daemon port (its range is 18100-18199; examples.test.ts starts from the bottom). */
const DAEMON_PORT = 18190

let work: string
let store: string

/** The built CLI in `cwd`, no terminal, with the shared test store unless `env` says otherwise. */
function cli(args: string[], opts: {cwd?: string; env?: Record<string, string | undefined>} = {}) {
  const {DATABASE_URL: _d, MAESTRO_DOTENV: _e, ...inherited} = process.env
  const env: NodeJS.ProcessEnv = {...inherited, NO_COLOR: '1', CI: 'true', MAESTRO_HOME: store, ...opts.env}
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? work,
    encoding: 'utf8',
    env,
    timeout: 60_000,
  })
  return {stdout: run.stdout, stderr: run.stderr, status: run.status ?? -1}
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

/** A SQLite file an application owns: one table, one row. */
function applicationDatabase(file: string): string {
  const db = new Sqlite(file)
  db.exec(
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada')",
  )
  db.close()
  return sha256(file)
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'maestro-shipped-'))
  store = join(work, 'store')
  // The catalog is imported once, here, rather than in the first test.
  expect(cli(['search', '--limit', '1']).status).toBe(0)
}, 120_000)

afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('instantiate --answers (defect 1)', () => {
  it('reads a YAML answers file and a JSON one', () => {
    writeFileSync(join(work, 'answers.yaml'), 'project_name: billing-api\nport: 9100\n')
    writeFileSync(join(work, 'answers.json'), '{"project_name": "orders-api", "port": 9200}\n')
    for (const [file, name, port] of [
      ['answers.yaml', 'billing-api', 9100],
      ['answers.json', 'orders-api', 9200],
    ] as const) {
      const dest = join(work, `from-${file}`)
      const run = cli(['instantiate', 'fastapi-service', dest, '--answers', file])
      expect(run.status, run.stderr).toBe(0)
      const recorded = parse(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8'))
      expect(recorded.answers).toMatchObject({project_name: name, port})
    }
  })

  it('takes the .maestro-answers.yaml of an earlier project', () => {
    const dest = join(work, 'again')
    const run = cli([
      'instantiate',
      'fastapi-service',
      dest,
      '--answers',
      'from-answers.yaml/.maestro-answers.yaml',
    ])
    expect(run.status, run.stderr).toBe(0)
    expect(readFileSync(join(dest, '.maestro-answers.yaml'), 'utf8')).toContain('project_name: billing-api')
  })

  it('makes a missing answers file a usage error (exit 2) that names it, and writes nothing', () => {
    const dest = join(work, 'never')
    const run = cli(['instantiate', 'fastapi-service', dest, '--answers', 'no-such-answers.yaml'])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('no-such-answers.yaml')
    expect(run.stderr).not.toContain('unexpected error')
    const asJson = cli([
      'instantiate',
      'fastapi-service',
      dest,
      '--answers',
      'no-such-answers.yaml',
      '--json',
    ])
    expect(JSON.parse(asJson.stdout).error.code).toBe('USAGE_ERROR')
    expect(existsSync(dest)).toBe(false)
  })
})

describe('.env files and foreign databases (defect 2)', () => {
  it("never reads the working directory's .env: an application's DATABASE_URL stays the application's", () => {
    const app = join(work, 'app')
    mkdirSync(app)
    const before = applicationDatabase(join(app, 'app.db'))
    writeFileSync(join(app, '.env'), 'DATABASE_URL=sqlite:app.db\nMAESTRO_HOME=./not-the-store\n')
    // As a user runs it: no MAESTRO_HOME, so the store is ~/.maestro (HOME is a temporary folder).
    const home = join(work, 'home')
    mkdirSync(home)
    const run = cli(['search', 'api', '--json'], {cwd: app, env: {MAESTRO_HOME: undefined, HOME: home}})
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).total).toBeGreaterThan(0)
    expect(sha256(join(app, 'app.db'))).toBe(before)
    expect(existsSync(join(app, 'app.db-wal'))).toBe(false)
    expect(existsSync(join(app, 'not-the-store'))).toBe(false)
    expect(existsSync(join(home, '.maestro', 'index.db'))).toBe(true)
  })

  it("reads the store's .env, and the one --dotenv or MAESTRO_DOTENV names", () => {
    const home = join(work, 'store-with-env')
    mkdirSync(home)
    writeFileSync(join(home, '.env'), `DATABASE_URL=sqlite:${join(work, 'from-store-env.db')}\n`)
    expect(cli(['db', 'migrate'], {env: {MAESTRO_HOME: home}}).status).toBe(0)
    expect(existsSync(join(work, 'from-store-env.db'))).toBe(true)

    writeFileSync(join(work, 'explicit.env'), `DATABASE_URL=sqlite:${join(work, 'from-env-file.db')}\n`)
    const flag = cli(['db', 'migrate', '--json', '--dotenv', 'explicit.env'], {env: {MAESTRO_HOME: home}})
    expect(flag.status, flag.stderr).toBe(0)
    expect(JSON.parse(flag.stdout).database).toBe(`sqlite:${join(work, 'from-env-file.db')}`)

    writeFileSync(join(work, 'other.env'), `DATABASE_URL=sqlite:${join(work, 'from-env-var.db')}\n`)
    const variable = cli(['db', 'migrate', '--json'], {
      env: {MAESTRO_HOME: home, MAESTRO_DOTENV: join(work, 'other.env')},
    })
    expect(JSON.parse(variable.stdout).database).toBe(`sqlite:${join(work, 'from-env-var.db')}`)

    const missing = cli(['search', '--dotenv', 'no-such.env'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('no-such.env')
  })

  it('refuses a foreign SQLite database as DATABASE_URL, naming it, and leaves it byte for byte', () => {
    const file = join(work, 'shop.db')
    const before = applicationDatabase(file)
    for (const args of [['search'], ['db', 'migrate'], ['user', 'list']]) {
      const run = cli(args, {env: {DATABASE_URL: `sqlite:${file}`}})
      expect(run.status, args.join(' ')).toBe(2)
      expect(run.stderr).toContain(file)
      expect(run.stderr).toContain('customers')
      expect(run.stderr).toContain('FOREIGN_DATABASE')
    }
    expect(sha256(file)).toBe(before)
    expect(existsSync(`${file}-wal`)).toBe(false)
  })

  it.skipIf(!POSTGRES_URL)(
    'refuses a PostgreSQL schema that holds tables but no maestro migrations',
    async () => {
      const {default: pg} = await import('pg')
      const schema = `foreign_app_${process.pid}_${Date.now()}`
      const admin = new pg.Client({connectionString: POSTGRES_URL})
      await admin.connect()
      try {
        await admin.query(`CREATE SCHEMA ${schema}`)
        await admin.query(`CREATE TABLE ${schema}.invoices (id int PRIMARY KEY)`)
        await admin.query(`INSERT INTO ${schema}.invoices VALUES (7)`)
        const url = `${POSTGRES_URL}${POSTGRES_URL!.includes('?') ? '&' : '?'}options=-c%20search_path%3D${schema}`
        const run = cli(['db', 'migrate', '--json'], {env: {DATABASE_URL: url}})
        expect(run.status).toBe(2)
        const {error} = JSON.parse(run.stdout)
        expect(error.code).toBe('FOREIGN_DATABASE')
        expect(error.message).toContain(`schema ${schema}`)
        expect(error.data.tables).toEqual(['invoices'])
        const {rows} = await admin.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
          [schema],
        )
        expect(rows.map((r: {table_name: string}) => r.table_name)).toEqual(['invoices'])
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
        await admin.end()
      }
    },
  )
})

describe('sync --from-remote (defect 6)', () => {
  let daemon: ReturnType<typeof spawn> | undefined
  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGTERM')
      await exited(daemon)
    }
  })

  it('mirrors a daemon into a fresh store (its first command)', async () => {
    const home = join(work, 'daemon-store')
    daemon = spawn(process.execPath, [BIN, 'serve', '--port', String(DAEMON_PORT)], {
      env: {...process.env, MAESTRO_HOME: home, ENABLE_RBAC: 'false', LOG_LEVEL: 'warn', NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no daemon:\n${output}`)), 60_000)
      daemon!.stdout!.on('data', (c: Buffer) => {
        output += c.toString()
        if (output.includes('listening on')) {
          clearTimeout(timer)
          resolve()
        }
      })
      daemon!.stderr!.on('data', (c: Buffer) => (output += c.toString()))
    })
    const fresh = join(work, 'fresh-store')
    const run = cli(
      [
        'sync',
        '--from-remote',
        `http://127.0.0.1:${DAEMON_PORT}`,
        '--category',
        'backend_developer',
        '--json',
      ],
      {env: {MAESTRO_HOME: fresh}},
    )
    expect(run.status, run.stdout + run.stderr).toBe(0)
    expect(JSON.parse(run.stdout).templates.added).toContain('fastapi-service')
    const got = cli(['get', 'mirror-127-0-0-1-18190/fastapi-service', '--json'], {env: {MAESTRO_HOME: fresh}})
    expect(got.status, got.stderr).toBe(0)
  }, 120_000)
})

describe('Ctrl-C at an instantiate prompt (defect 9)', () => {
  /** Drives the CLI on a pseudo-terminal (python3's pty); sends Ctrl-C once the first prompt shows. */
  const DRIVER = `
import os, pty, sys, time, select, fcntl, termios, struct, json
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out, sent, deadline = b'', None, time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if sent is None and b'project_name' in out:
        # Once the prompt reads keys (raw mode), Ctrl-C is a key, not a signal: the case to check.
        time.sleep(0.5)
        os.write(fd, b'\\x03')
        sent = time.time()
    if sent is not None and time.time() - sent > 10:
        break
done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
print(json.dumps({'sent': sent is not None, 'seconds': None if sent is None else time.time() - sent,
                  'status': os.waitstatus_to_exitcode(status), 'output': out.decode(errors='replace')}))
`

  it('aborts at once with exit 130 and writes nothing', () => {
    const driver = join(work, 'pty-driver.py')
    writeFileSync(driver, DRIVER)
    const dest = join(work, 'interrupted')
    const {CI: _ci, ...env} = process.env
    const run = spawnSync(
      'python3',
      [driver, process.execPath, BIN, 'instantiate', 'fastapi-service', dest],
      {
        encoding: 'utf8',
        env: {...env, MAESTRO_HOME: store, NO_COLOR: '1', TERM: 'xterm'},
        timeout: 90_000,
      },
    )
    const result = JSON.parse(run.stdout) as {sent: boolean; seconds: number; status: number; output: string}
    expect(result.sent, result.output).toBe(true)
    expect(result.seconds, result.output).toBeLessThan(2)
    // 130, or (on a loaded machine, Ctrl-C before the prompt switched the terminal to raw
    // mode) death by SIGINT, which a shell reports as 130 too.
    expect([130, -2], result.output).toContain(result.status)
    if (result.status === 130) expect(result.output).toContain('aborted')
    expect(existsSync(dest)).toBe(false)
  })
})
