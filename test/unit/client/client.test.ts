import {createServer} from 'node:http'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {describe, expect, it, onTestFinished} from 'vitest'

import {RemoteProtocolError, RemoteUnavailableError, problemToError} from '../../../src/client/index.js'
import {TemplateClient} from '../../../src/client/index.js'
import {decodeFiles, encodeFiles} from '../../../src/domain/wire.js'
import type {Problem} from '../../../src/domain/wire.js'
import {
  InvalidTemplateError,
  InvalidVersionError,
  MaestroError,
  NotFoundError,
  QualityGateError,
  UsageError,
} from '../../../src/domain/errors.js'
import {toProblem} from '../../../src/server/problem.js'

/** A stub daemon: records requests, answers with `handler`. */
async function stub(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: {method: string; url: string; headers: IncomingMessage['headers']; body: string}[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      seen.push({method: req.method!, url: req.url!, headers: req.headers, body})
      handler(req, res, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return {url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen}
}

const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
  res.writeHead(status, {'content-type': type})
  res.end(JSON.stringify(body))
}

describe('problemToError', () => {
  it('rebuilds the domain error class with the server message, code, data and exit code', () => {
    const cases: [MaestroError, new (...args: never[]) => MaestroError][] = [
      [new NotFoundError('template', 'x', 'Search with `maestro-tpl search`'), NotFoundError],
      [new InvalidTemplateError([{file: 'manifest.yaml', line: 2, message: 'bad'}]), InvalidTemplateError],
      [new InvalidVersionError('one'), InvalidVersionError],
      [new QualityGateError('thin', 40, 70, {score: 40}), QualityGateError],
      [new UsageError('give the version once'), UsageError],
    ]
    for (const [original, cls] of cases) {
      const back = problemToError(toProblem(original, '/x', 'req-1'))
      expect(back).toBeInstanceOf(cls)
      expect(back.message).toBe(original.message)
      expect(back.code).toBe(original.code)
      expect(back.status).toBe(original.status)
      expect(back.exitCode).toBe(original.exitCode)
      expect(back.data).toEqual(original.data)
    }
  })

  it('keeps unknown codes as a MaestroError with that code; 400s exit 2', () => {
    const problem: Problem = {
      type: 'x',
      title: 'Bad',
      status: 400,
      detail: 'limit must be <= 100',
      code: 'VALIDATION_ERROR',
      errors: [],
    }
    const err = problemToError(problem)
    expect(err).toBeInstanceOf(MaestroError)
    expect(err).toMatchObject({
      code: 'VALIDATION_ERROR',
      status: 400,
      exitCode: 2,
      message: 'limit must be <= 100',
    })
    expect(err.data).toEqual({errors: []})
    expect(problemToError({...problem, status: 501, code: 'NOT_IMPLEMENTED'}).exitCode).toBe(1)
  })
})

describe('wire files', () => {
  it('keeps text readable and binary exact through encode/decode', () => {
    const files = new Map([
      ['README.md', new TextEncoder().encode('# héllo\n')],
      ['logo.png', Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0xff)],
    ])
    const wire = encodeFiles(files)
    expect(wire['README.md']).toEqual({content: '# héllo\n', encoding: 'utf8'})
    expect(wire['logo.png']!.encoding).toBe('base64')
    const back = decodeFiles(wire)
    for (const [path, bytes] of files) expect([...back.get(path)!]).toEqual([...bytes])
  })
})

describe('TemplateClient', () => {
  it('sends the token, encodes references and accepts a base URL ending in /api/v1', async () => {
    const daemon = await stub((_req, res) => json(res, 200, {name: 'x'}))
    const client = new TemplateClient({baseUrl: `${daemon.url}/api/v1/`, token: 's3cret'})
    onTestFinished(() => client.close())
    expect(client.baseUrl).toBe(daemon.url)
    await client.get('public/fastapi-service@^1')
    expect(daemon.seen[0]!.url).toBe('/api/v1/templates/public%2Ffastapi-service%40%5E1')
    expect(daemon.seen[0]!.headers.authorization).toBe('Bearer s3cret')
  })

  it('throws the domain error of a problem answer', async () => {
    const daemon = await stub((_req, res) =>
      json(
        res,
        404,
        toProblem(new NotFoundError('template', 'nope'), '/api/v1/templates/nope'),
        'application/problem+json',
      ),
    )
    const client = new TemplateClient({baseUrl: daemon.url})
    onTestFinished(() => client.close())
    const err = await client.get('nope').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NotFoundError)
    expect((err as NotFoundError).message).toBe('template "nope" not found')
  })

  it('reports an answer that is not the API (a proxy page) as a protocol error', async () => {
    const daemon = await stub((_req, res) => {
      res.writeHead(502, {'content-type': 'text/html'})
      res.end('<html>Bad gateway</html>')
    })
    const client = new TemplateClient({baseUrl: daemon.url})
    onTestFinished(() => client.close())
    await expect(client.search({})).rejects.toBeInstanceOf(RemoteProtocolError)
  })

  it('says the daemon is unreachable, naming the URL', async () => {
    // Nothing listens on port 9 (discard) on the loopback of a test machine.
    const client = new TemplateClient({baseUrl: 'http://127.0.0.1:9'})
    onTestFinished(() => client.close())
    const err = await client.search({}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RemoteUnavailableError)
    expect((err as Error).message).toContain('http://127.0.0.1:9')
  })

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new TemplateClient({baseUrl: 'ftp://example.com'})).toThrow(RemoteProtocolError)
    expect(() => new TemplateClient({baseUrl: 'not a url'})).toThrow(RemoteProtocolError)
  })

  it('returns health on 503 instead of throwing', async () => {
    const daemon = await stub((_req, res) =>
      json(res, 503, {status: 'unhealthy', database: 'unavailable: gone'}),
    )
    const client = new TemplateClient({baseUrl: daemon.url})
    onTestFinished(() => client.close())
    expect((await client.health()).status).toBe('unhealthy')
  })
})

describe('names of Object.prototype members in what the client decodes', () => {
  it('keeps a file named __proto__ through encodeFiles and decodeFiles, and JSON', () => {
    const files = new Map([
      ['__proto__', new TextEncoder().encode('a')],
      ['constructor', new TextEncoder().encode('b')],
      ['toString', Uint8Array.of(0, 1)],
    ])
    const wire = JSON.parse(JSON.stringify(encodeFiles(files))) as ReturnType<typeof encodeFiles>
    expect(Object.keys(wire).sort()).toEqual(['__proto__', 'constructor', 'toString'])
    expect(decodeFiles(wire)).toEqual(files)
  })

  it('rebuilds a problem whose code or members are such names as a plain MaestroError', () => {
    for (const code of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'prototype']) {
      const err = problemToError({type: '', title: 'x', status: 422, detail: `odd ${code}`, code})
      expect(err, code).toBeInstanceOf(MaestroError)
      expect(err.code, code).toBe(code)
      expect(err.message, code).toBe(`odd ${code}`)
    }
    const problem = JSON.parse(
      '{"type":"","title":"x","status":422,"detail":"d","code":"X","__proto__":{"polluted":1}}',
    )
    const err = problemToError(problem as Problem)
    expect(err.data.__proto__).toEqual({polluted: 1})
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
