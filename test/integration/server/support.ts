/**
 * Helpers of the daemon's integration tests: a server per test on a fresh store,
 * requests, problem and schema assertions, and hand-made archives (hostile ones too).
 */
import {gzipSync} from 'node:zlib'

import pino from 'pino'
import {Header} from 'tar'
import {expect, onTestFinished} from 'vitest'

import {encodeFiles} from '../../../src/domain/wire.js'
import type {Config} from '../../../src/config.js'
import type {WireFiles} from '../../../src/domain/wire.js'
import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import {startServer} from '../../../src/server/server.js'
import type {RunningServer, StartOptions} from '../../../src/server/server.js'
import {apiComponents, ref} from '../../../src/server/schemas.js'
import {Validators} from '../../../src/server/validation.js'
import {testConfig} from '../../helpers/temp.js'

export const silent = pino({level: 'silent'})

/** Answers are checked against their schemas with expectSchema; tests then read them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface ApiResponse extends Response {
  json(): Promise<Json>
  clone(): ApiResponse
}

export interface TestServer extends RunningServer {
  config: Config
  /** fetch() against the server; `json` sets the body and Content-Type (and POST unless a method is given). */
  api(path: string, init?: RequestInit & {json?: unknown}): Promise<ApiResponse>
}

/**
 * A daemon on a fresh store (empty catalog unless TEMPLATES_STORAGE_PATH is given),
 * on a free port, closed when the test ends.
 */
export async function startTestServer(
  opts: {env?: Record<string, string>} & Omit<Partial<StartOptions>, 'config'> = {},
): Promise<TestServer> {
  const {env, ...rest} = opts
  const config = testConfig(env)
  const server = await startServer({
    config,
    port: 0,
    logger: silent,
    revisionPollMs: 0,
    ...rest,
  })
  onTestFinished(() => server.close())
  return {
    ...server,
    config,
    api: (path, init = {}) => {
      const {json, ...request} = init
      if (json === undefined) return fetch(server.url + path, request)
      return fetch(server.url + path, {
        method: 'POST',
        ...request,
        headers: {
          'content-type': 'application/json',
          ...(request.headers as Record<string, string> | undefined),
        },
        body: JSON.stringify(json),
      })
    },
  }
}

/** A valid, gate-passing template (the scaffold) as the files of a JSON upload. */
export function templateUpload(
  opts: {
    name?: string
    version?: string | undefined
    category?: string
    files?: Record<string, string>
  } = {},
): {files: WireFiles} {
  const files = templateFiles(opts)
  return {files: encodeFiles(files)}
}

export function templateFiles(
  opts: {
    name?: string
    version?: string | undefined
    category?: string
    files?: Record<string, string>
  } = {},
): Map<string, Uint8Array> {
  const files = scaffoldTemplate({
    name: opts.name ?? 'demo-service',
    category: opts.category ?? 'backend_developer',
  })
  const encoder = new TextEncoder()
  if (opts.version) {
    const manifest = new TextDecoder().decode(files.get('manifest.yaml'))
    files.set('manifest.yaml', encoder.encode(manifest.replace(/^version: .*$/m, `version: ${opts.version}`)))
  }
  for (const [path, content] of Object.entries(opts.files ?? {})) files.set(path, encoder.encode(content))
  return files
}

/** Asserts an RFC 9457 problem with this status and code, and returns it. */
export async function expectProblem(
  res: Response,
  status: number,
  code: string,
): Promise<Record<string, unknown>> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  const body = JSON.parse(text) as Record<string, unknown>
  expect(body).toMatchObject({status, code})
  expect(typeof body.type).toBe('string')
  expect(typeof body.title).toBe('string')
  expect(typeof body.detail).toBe('string')
  expect(typeof body.instance).toBe('string')
  return body
}

const validators = new Validators(apiComponents(100))

/** Asserts that `value` matches the component schema `name` of the OpenAPI document. */
export function expectSchema(value: unknown, name: string): void {
  const check = validators.compile('body', ref(name))
  try {
    check(structuredClone(value))
  } catch (err) {
    throw new Error(`does not match ${name}: ${JSON.stringify((err as {data?: unknown}).data)}`, {cause: err})
  }
}

export interface TarEntry {
  path: string
  type?: 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO'
  content?: string | Uint8Array
  linkpath?: string
}

/** A .tar.gz built entry by entry, hostile entries included (tar(1) would refuse to write some). */
export function tarGz(entries: TarEntry[]): Buffer {
  const chunks: Buffer[] = []
  for (const entry of entries) {
    const data =
      typeof entry.content === 'string' ? Buffer.from(entry.content) : Buffer.from(entry.content ?? [])
    const header = new Header({
      path: entry.path,
      type: entry.type ?? 'File',
      size: entry.type === undefined || entry.type === 'File' ? data.length : 0,
      mode: 0o644,
      mtime: new Date(0),
      ...(entry.linkpath ? {linkpath: entry.linkpath} : {}),
    })
    header.encode()
    chunks.push(header.block!)
    if ((entry.type ?? 'File') === 'File' && data.length > 0) {
      chunks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512))
    }
  }
  chunks.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(chunks))
}

/** The entries of a template's file map, under an optional top folder. */
export function entriesOf(files: Map<string, Uint8Array>, top = ''): TarEntry[] {
  return [...files].map(([path, content]) => ({path: top + path, content}))
}
