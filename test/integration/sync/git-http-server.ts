/**
 * A real git smart-HTTP server for tests: git's own `git http-backend` run as a CGI
 * program behind a small node:http server on 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await startGitHttpServer({token: 's3cret'})
 * const url = server.createRepo('team') // http://127.0.0.1:PORT/team.git, bare, receivepack on
 * await server.close()
 * ```
 */
import {execFileSync, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach} from 'vitest'

import {tempDir} from '../../helpers/temp.js'

export interface GitHttpServer {
  /** The folder served (GIT_PROJECT_ROOT). */
  root: string
  /** `http://127.0.0.1:PORT` */
  base: string
  /** Creates an empty bare repository `<name>.git` that accepts pushes and returns its URL. */
  createRepo(name: string): string
  /** Authorization headers seen, for checking what the client sent. */
  authorizations: string[]
  /** Request lines seen (`GET /team.git/info/refs?service=...`), for checking what reached the server. */
  requests: string[]
  close(): Promise<void>
}

/** Starts the server; with `token`, every request needs basic auth whose password is the token. */
export async function startGitHttpServer(opts: {token?: string} = {}): Promise<GitHttpServer> {
  const root = mkdtempSync(join(tmpdir(), 'maestro-git-http-'))
  const authorizations: string[] = []
  const requests: string[] = []
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const auth = req.headers.authorization
    if (auth) authorizations.push(auth)
    if (opts.token) {
      const password = auth?.startsWith('Basic ')
        ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':').slice(1).join(':')
        : undefined
      if (password !== opts.token) {
        res.writeHead(401, {'WWW-Authenticate': 'Basic realm="git"'}).end('unauthorized')
        return
      }
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? {CONTENT_LENGTH: req.headers['content-length']} : {}),
        ...(req.headers['content-encoding'] ? {HTTP_CONTENT_ENCODING: req.headers['content-encoding']} : {}),
        ...(req.headers['git-protocol'] ? {GIT_PROTOCOL: String(req.headers['git-protocol'])} : {}),
        REMOTE_ADDR: '127.0.0.1',
        REMOTE_USER: 'test',
        GATEWAY_INTERFACE: 'CGI/1.1',
        SERVER_PROTOCOL: 'HTTP/1.1',
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    req.pipe(child.stdin)
    // CGI output: header lines, a blank line, then the body.
    let head = Buffer.alloc(0)
    let headerDone = false
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      let end = head.indexOf('\r\n\r\n')
      let sep = 4
      if (end < 0) {
        end = head.indexOf('\n\n')
        sep = 2
      }
      if (end < 0) return
      headerDone = true
      let status = 200
      const headers: Record<string, string> = {}
      for (const line of head.subarray(0, end).toString('utf8').split(/\r?\n/)) {
        const colon = line.indexOf(':')
        if (colon < 0) continue
        const name = line.slice(0, colon).trim()
        const value = line.slice(colon + 1).trim()
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10)
        else headers[name] = value
      }
      res.writeHead(status, headers)
      res.write(head.subarray(end + sep))
    })
    child.on('close', () => {
      if (!headerDone) res.writeHead(500).end('git http-backend failed')
      else res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    root,
    base,
    authorizations,
    requests,
    createRepo(name) {
      const dir = join(root, `${name}.git`)
      execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', dir])
      execFileSync('git', ['--git-dir', dir, 'config', 'http.receivepack', 'true'])
      return `${base}/${name}.git`
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(root, {recursive: true, force: true})
    },
  }
}

export interface GitHttpFixture {
  /** The server of the running test. */
  readonly server: GitHttpServer
  /** Closes the test's server and starts another with these options (a token, say). */
  restart(opts: {token?: string}): Promise<GitHttpServer>
}

/**
 * For a describe block of sync tests: a new server before each test, closed after it, with
 * TEMPLATES_STORAGE_PATH on an empty folder (stores opened in the test import no catalog)
 * and the environment as it was restored afterwards.
 */
export function useGitHttpServer(): GitHttpFixture {
  let server: GitHttpServer | undefined
  const savedEnv = {...process.env}
  beforeEach(async () => {
    server = await startGitHttpServer()
    process.env.TEMPLATES_STORAGE_PATH = tempDir('maestro-empty-')
  })
  afterEach(async () => {
    await server?.close()
    process.env = {...savedEnv}
  })
  return {
    get server() {
      if (!server) throw new Error('useGitHttpServer: no test is running')
      return server
    },
    async restart(opts) {
      await server?.close()
      server = await startGitHttpServer(opts)
      return server
    },
  }
}
