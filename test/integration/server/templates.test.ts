import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {unzipSync} from 'fflate'
import * as tar from 'tar'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {decodeFiles} from '../../../src/domain/wire.js'
import {expectProblem, expectSchema, startTestServer, templateFiles, templateUpload} from './support.js'
import type {TestServer} from './support.js'

async function publish(server: TestServer, opts: Parameters<typeof templateUpload>[0] = {}) {
  const res = await server.api('/api/v1/templates', {json: templateUpload(opts)})
  const body = await res.json()
  if (res.status >= 300) throw new Error(`publish failed: ${res.status} ${JSON.stringify(body)}`)
  return body
}

/** Lists a .tar.gz with the tar package, as a user's tar(1) would read it. */
async function listTarGz(
  archive: Uint8Array,
): Promise<Map<string, {type: string; mode: number; content: string}>> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-tgz-'))
  try {
    const file = join(dir, 'project.tar.gz')
    writeFileSync(file, archive)
    const entries = new Map<string, {type: string; mode: number; content: string}>()
    await tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = []
        entry.on('data', (c: Buffer) => chunks.push(c))
        entry.on('end', () =>
          entries.set(entry.path, {
            type: entry.type,
            mode: entry.mode ?? 0,
            content: Buffer.concat(chunks).toString(),
          }),
        )
      },
    })
    return entries
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
}

describe('daemon: templates', () => {
  it('publishes a template from JSON: 201, Location, summary and quality', async () => {
    const server = await startTestServer()
    const res = await server.api('/api/v1/templates', {json: templateUpload({name: 'billing-api'})})
    expect(res.status).toBe(201)
    const body = await res.json()
    expectSchema(body, 'PublishResult')
    expect(body).toMatchObject({
      status: 'created',
      template: {name: 'billing-api', namespace: 'local', version: '0.1.0'},
    })
    expect(body.quality.score).toBeGreaterThanOrEqual(70)
    expect(res.headers.get('location')).toBe(`/api/v1/templates/${body.template.id}`)
  })

  it('publishes a new version with 200, and the same content again as unchanged', async () => {
    const server = await startTestServer()
    await publish(server, {version: '1.0.0'})
    const again = await server.api('/api/v1/templates', {json: templateUpload({version: '1.0.0'})})
    expect(again.status).toBe(200)
    expect((await again.json()).status).toBe('unchanged')
    const next = await server.api('/api/v1/templates?message=second', {
      json: templateUpload({version: '1.1.0', files: {'files/CHANGES.md': 'v1.1'}}),
    })
    expect(next.status).toBe(200)
    expect((await next.json()).status).toBe('updated')
  })

  it('accepts the manifest as an object next to the files', async () => {
    const server = await startTestServer()
    const {files} = templateUpload({name: 'object-manifest'})
    const manifest = parse(files['manifest.yaml']!.content)
    delete files['manifest.yaml']
    const res = await server.api('/api/v1/templates', {json: {manifest, files}})
    expect(res.status).toBe(201)
    const both = await server.api('/api/v1/templates', {json: {manifest, files: templateUpload().files}})
    await expectProblem(both, 400, 'USAGE_ERROR')
  })

  it('refuses invalid templates with 422 and the issues, and changed content under a published version with 409', async () => {
    const server = await startTestServer()
    const {files} = templateUpload()
    files['manifest.yaml'] = {content: 'name: Bad Name\nversion: one\n', encoding: 'utf8'}
    const invalid = await expectProblem(
      await server.api('/api/v1/templates', {json: {files}}),
      422,
      'INVALID_TEMPLATE',
    )
    expect(Array.isArray(invalid.issues)).toBe(true)

    const missing = templateUpload().files
    delete missing['manifest.yaml']
    await expectProblem(
      await server.api('/api/v1/templates', {json: {files: missing}}),
      422,
      'INVALID_TEMPLATE',
    )

    await publish(server)
    const changed = await server.api('/api/v1/templates', {
      json: templateUpload({files: {'files/new.txt': 'different'}}),
    })
    await expectProblem(changed, 409, 'VERSION_EXISTS')
  })

  it('refuses unsafe paths, bad base64 and malformed bodies before anything is stored', async () => {
    const server = await startTestServer()
    const escape = templateUpload()
    escape.files['../outside.txt'] = {content: 'x', encoding: 'utf8'}
    await expectProblem(await server.api('/api/v1/templates', {json: escape}), 422, 'UNSAFE_PATH')
    const git = templateUpload()
    git.files['.git/config'] = {content: 'x', encoding: 'utf8'}
    await expectProblem(await server.api('/api/v1/templates', {json: git}), 422, 'UNSAFE_PATH')
    const b64 = templateUpload()
    b64.files['logo.png'] = {content: 'not base64!', encoding: 'base64'}
    await expectProblem(await server.api('/api/v1/templates', {json: b64}), 400, 'VALIDATION_ERROR')
    await expectProblem(
      await server.api('/api/v1/templates', {json: {files: 'nope'}}),
      400,
      'VALIDATION_ERROR',
    )
    await expectProblem(await server.api('/api/v1/templates', {json: {}}), 400, 'VALIDATION_ERROR')
    const empty = await server.api('/api/v1/templates', {method: 'POST'})
    await expectProblem(empty, 400, 'VALIDATION_ERROR')
    const list = await (await server.api('/api/v1/templates')).json()
    expect(list.total).toBe(0)
  })

  it('refuses a template below the quality gate with 422 and the report', async () => {
    const server = await startTestServer()
    const {files} = templateUpload({name: 'thin'})
    files['README.md'] = {content: '# thin\n', encoding: 'utf8'}
    for (const path of Object.keys(files)) if (path.startsWith('examples/')) delete files[path]
    const problem = await expectProblem(
      await server.api('/api/v1/templates', {json: {files}}),
      422,
      'QUALITY_GATE_FAILED',
    )
    expect(problem.score).toBeLessThan(70)
    expect(problem.report).toBeTypeOf('object')
  })

  it('gets a template by name, id, name@version, ?version= and namespace, with a cacheable ETag', async () => {
    const server = await startTestServer()
    const first = await publish(server, {name: 'get-me', version: '1.0.0'})
    await publish(server, {name: 'get-me', version: '1.2.0', files: {'files/v12.txt': '1.2'}})

    const latest = await server.api('/api/v1/templates/get-me')
    expect(latest.status).toBe(200)
    const detail = await latest.json()
    expectSchema(detail, 'TemplateDetail')
    expect(detail).toMatchObject({name: 'get-me', version: '1.2.0', namespace: 'local'})
    expect(detail.files.map((f: {path: string}) => f.path)).toContain('manifest.yaml')

    const byId = await (await server.api(`/api/v1/templates/${first.template.id}`)).json()
    expect(byId.name).toBe('get-me')
    expect((await (await server.api('/api/v1/templates/get-me@1.0.0')).json()).version).toBe('1.0.0')
    expect(
      (await (await server.api(`/api/v1/templates/get-me@${encodeURIComponent('^1.1')}`)).json()).version,
    ).toBe('1.2.0')
    expect((await (await server.api('/api/v1/templates/get-me?version=~1.0')).json()).version).toBe('1.0.0')
    expect((await (await server.api('/api/v1/templates/get-me?namespace=local')).json()).version).toBe(
      '1.2.0',
    )
    expect((await (await server.api('/api/v1/templates/local%2Fget-me')).json()).version).toBe('1.2.0')
    expect((await (await server.api('/api/v1/templates/get-me/versions/1.0.0')).json()).version).toBe('1.0.0')

    const etag = latest.headers.get('etag')!
    expect(etag).toMatch(/^"/)
    const again = await server.api('/api/v1/templates/get-me', {headers: {'if-none-match': etag}})
    expect(again.status).toBe(304)
  })

  it('answers a repeated read from the cache with the same bytes and headers', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'hot-read'})
    const first = await server.api('/api/v1/templates/hot-read')
    const second = await server.api('/api/v1/templates/hot-read')
    expect(second.status).toBe(200)
    expect(await second.text()).toBe(await first.text())
    for (const header of [
      'content-type',
      'content-length',
      'etag',
      'cache-control',
      'x-content-type-options',
      'x-frame-options',
      'content-security-policy',
      'referrer-policy',
    ]) {
      expect(second.headers.get(header), header).toBe(first.headers.get(header))
    }
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
    const stats = await (await server.api('/api/v1/admin/stats')).json()
    expect(stats.response_cache.hits).toBeGreaterThanOrEqual(1)
    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(
      /http_requests_total\{method="GET",route="\/api\/v1\/templates\/\{id\}",status="200"\} 2/,
    )
  })

  it('answers reads of missing templates and bad references with problems', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'exists', version: '1.0.0'})
    await expectProblem(await server.api('/api/v1/templates/nope'), 404, 'NOT_FOUND')
    await expectProblem(
      await server.api('/api/v1/templates/00000000-0000-4000-8000-000000000000'),
      404,
      'NOT_FOUND',
    )
    await expectProblem(await server.api('/api/v1/templates/exists@9.9.9'), 404, 'NOT_FOUND')
    await expectProblem(await server.api('/api/v1/templates/exists@not-semver'), 400, 'INVALID_VERSION')
    await expectProblem(await server.api('/api/v1/templates/Not%20A%20Name'), 400, 'USAGE_ERROR')
    await expectProblem(await server.api('/api/v1/templates/exists@1.0.0?version=1.0.0'), 400, 'USAGE_ERROR')
    await expectProblem(await server.api('/api/v1/templates/%E0%A4%A'), 400, 'BAD_REQUEST')
    await expectProblem(await server.api('/api/v1/templates/exists?namespace=BAD!'), 400, 'VALIDATION_ERROR')
    await expectProblem(await server.api('/api/v1/templates/exists?unknown=1'), 400, 'VALIDATION_ERROR')
  })

  it('drops cached reads when a template changes', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'cached', version: '1.0.0'})
    expect((await (await server.api('/api/v1/templates/cached')).json()).version).toBe('1.0.0')
    await publish(server, {name: 'cached', version: '1.1.0', files: {'files/x.txt': 'x'}})
    expect((await (await server.api('/api/v1/templates/cached')).json()).version).toBe('1.1.0')
    await server.api('/api/v1/templates/cached', {method: 'DELETE'})
    await expectProblem(await server.api('/api/v1/templates/cached'), 404, 'NOT_FOUND')
  })

  it('lists and searches with filters and pagination', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'alpha-api'})
    await publish(server, {name: 'beta-api'})
    await publish(server, {name: 'gamma-web', category: 'frontend_developer'})

    const page = await (await server.api('/api/v1/templates?limit=2&offset=0')).json()
    expectSchema(page, 'SearchResult')
    expect(page).toMatchObject({total: 3, limit: 2, offset: 0})
    expect(page.items).toHaveLength(2)
    const rest = await (await server.api('/api/v1/templates?limit=2&offset=2')).json()
    expect(rest.items).toHaveLength(1)

    const frontend = await (await server.api('/api/v1/templates?category=frontend_developer')).json()
    expect(frontend.items.map((i: {name: string}) => i.name)).toEqual(['gamma-web'])
    const tagged = await (await server.api('/api/v1/templates?tags=starter&tags=backend-developer')).json()
    expect(tagged.total).toBe(2)

    const search = await server.api('/api/v1/templates/search', {json: {text: 'alpha', limit: 5}})
    expect(search.status).toBe(200)
    const found = await search.json()
    expectSchema(found, 'SearchResult')
    expect(found.items.map((i: {name: string}) => i.name)).toEqual(['alpha-api'])
    const all = await (await server.api('/api/v1/templates/search', {method: 'POST'})).json()
    expect(all).toMatchObject({total: 3, total_exact: true})
    const exact = await (await server.api('/api/v1/templates?exactTotal=true&limit=1')).json()
    expect(exact).toMatchObject({total: 3, total_exact: true})
    expect(exact.items).toHaveLength(1)

    const updated = await (await server.api('/api/v1/templates?sort=updated')).json()
    expect(updated.items.map((i: {name: string}) => i.name)).toEqual(['gamma-web', 'beta-api', 'alpha-api'])
    const byName = await server.api('/api/v1/templates/search', {json: {text: 'api', sort: 'name'}})
    expect((await byName.json()).items.map((i: {name: string}) => i.name)).toEqual(['alpha-api', 'beta-api'])

    await expectProblem(await server.api('/api/v1/templates?limit=101'), 400, 'VALIDATION_ERROR')
    await expectProblem(await server.api('/api/v1/templates?minScore=101'), 400, 'VALIDATION_ERROR')
    await expectProblem(await server.api('/api/v1/templates?sort=popular'), 400, 'VALIDATION_ERROR')
    await expectProblem(await server.api('/api/v1/templates?exactTotal=maybe'), 400, 'VALIDATION_ERROR')
    await expectProblem(
      await server.api('/api/v1/templates/search', {json: {sort: 'random'}}),
      400,
      'VALIDATION_ERROR',
    )
  })

  it('updates with PUT: a new version of the template in the path, never a rename', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'put-me', version: '1.0.0'})
    const res = await server.api('/api/v1/templates/put-me', {
      method: 'PUT',
      json: templateUpload({name: 'put-me', version: '2.0.0', files: {'files/v2.txt': 'two'}}),
    })
    expect(res.status).toBe(200)
    expect((await res.json()).template.version).toBe('2.0.0')
    const rename = await server.api('/api/v1/templates/put-me', {
      method: 'PUT',
      json: templateUpload({name: 'other-name', version: '3.0.0'}),
    })
    await expectProblem(rename, 400, 'USAGE_ERROR')
    const missing = await server.api('/api/v1/templates/nope', {
      method: 'PUT',
      json: templateUpload({name: 'nope'}),
    })
    await expectProblem(missing, 404, 'NOT_FOUND')
    const versioned = await server.api('/api/v1/templates/put-me@1.0.0', {
      method: 'PUT',
      json: templateUpload(),
    })
    await expectProblem(versioned, 400, 'USAGE_ERROR')
  })

  it('lists versions newest first, paginated', async () => {
    const server = await startTestServer()
    for (const version of ['1.0.0', '1.1.0', '2.0.0']) {
      await publish(server, {name: 'versioned', version, files: {'files/v.txt': version}})
    }
    const res = await server.api('/api/v1/templates/versioned/versions')
    const list = await res.json()
    expectSchema(list, 'VersionList')
    expect(list.items.map((v: {version: string}) => v.version)).toEqual(['2.0.0', '1.1.0', '1.0.0'])
    expect(list).toMatchObject({name: 'versioned', namespace: 'local', total: 3})
    const page = await (await server.api('/api/v1/templates/versioned/versions?limit=1&offset=1')).json()
    expect(page.items.map((v: {version: string}) => v.version)).toEqual(['1.1.0'])
    await expectProblem(await server.api('/api/v1/templates/nope/versions'), 404, 'NOT_FOUND')
    await expectProblem(
      await server.api('/api/v1/templates/versioned/versions?limit=0'),
      400,
      'VALIDATION_ERROR',
    )
  })

  it('deletes a template and answers 404 for it afterwards', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'doomed'})
    const res = await server.api('/api/v1/templates/doomed', {method: 'DELETE'})
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'DeleteResult')
    expect(body).toMatchObject({name: 'doomed', namespace: 'local'})
    await expectProblem(await server.api('/api/v1/templates/doomed', {method: 'DELETE'}), 404, 'NOT_FOUND')
    await expectProblem(
      await server.api('/api/v1/templates/doomed@1.0.0', {method: 'DELETE'}),
      404,
      'NOT_FOUND',
    )
  })

  it('returns the template folder as JSON and as .tar.gz', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'folder', version: '1.0.0'})
    const res = await server.api('/api/v1/templates/folder/files')
    const body = await res.json()
    expectSchema(body, 'TemplateFilesResponse')
    const files = decodeFiles(body.files)
    expect([...files.keys()].sort()).toEqual(
      [...templateFiles({name: 'folder', version: '1.0.0'}).keys()].sort(),
    )

    const tgz = await server.api('/api/v1/templates/folder/files?format=tar.gz')
    expect(tgz.headers.get('content-type')).toBe('application/gzip')
    expect(tgz.headers.get('content-disposition')).toBe('attachment; filename="folder-1.0.0.tar.gz"')
    const entries = await listTarGz(new Uint8Array(await tgz.arrayBuffer()))
    expect(entries.get('folder-1.0.0/manifest.yaml')?.content).toContain('name: folder')
  })
})

describe('daemon: instantiate', () => {
  it('renders to JSON with base64 files and .maestro-answers.yaml', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'render-me'})
    const res = await server.api('/api/v1/templates/render-me/instantiate', {
      json: {answers: {project_name: 'billing', include_license: false}},
    })
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'InstantiateResponse')
    expect(body).toMatchObject({template: 'render-me', version: '0.1.0', answers: {project_name: 'billing'}})
    const readme = Buffer.from(body.files['README.md'], 'base64').toString()
    expect(readme).toContain('# billing')
    expect(body.files.LICENSE).toBeUndefined()
    const answers = parse(Buffer.from(body.files['.maestro-answers.yaml'], 'base64').toString())
    expect(answers).toMatchObject({
      template: 'render-me',
      version: '0.1.0',
      answers: {project_name: 'billing'},
    })
  })

  it('returns a .tar.gz that tar reads, under a top folder, with Content-Disposition', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'tar-me', files: {'files/run.sh': '#!/bin/sh\necho {{ project_name }}\n'}})
    const res = await server.api('/api/v1/templates/tar-me/instantiate', {
      json: {answers: {project_name: 'billing'}, format: 'tar.gz', root: 'billing'},
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/gzip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="billing.tar.gz"')
    expect(res.headers.get('x-maestro-template')).toBe('tar-me')
    const entries = await listTarGz(new Uint8Array(await res.arrayBuffer()))
    expect(entries.get('billing/README.md')?.content).toContain('# billing')
    expect(entries.get('billing/run.sh')?.content).toBe('#!/bin/sh\necho billing\n')
    expect(entries.get('billing/run.sh')!.mode & 0o111).not.toBe(0)
    expect(entries.get('billing/')?.type).toBe('Directory')
    expect(entries.has('billing/.maestro-answers.yaml')).toBe(true)
  })

  it('returns a .zip chosen by the Accept header, that unzips to the project', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'zip-me'})
    const res = await server.api('/api/v1/templates/zip-me/instantiate', {
      json: {answers: {project_name: 'shop'}},
      headers: {accept: 'application/zip'},
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="zip-me.zip"')
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()))
    expect(new TextDecoder().decode(files['zip-me/README.md'])).toContain('# shop')
    const bare = await server.api('/api/v1/templates/zip-me/instantiate', {json: {format: 'zip', root: ''}})
    expect(Object.keys(unzipSync(new Uint8Array(await bare.arrayBuffer())))).toContain('README.md')
  })

  it('checks answers before rendering and answers 422 with the issues', async () => {
    const server = await startTestServer()
    await publish(server, {name: 'strict'})
    const bad = await server.api('/api/v1/templates/strict/instantiate', {
      json: {answers: {project_name: 'Not Valid!'}},
    })
    await expectProblem(bad, 422, 'INVALID_ANSWERS')
    const type = await server.api('/api/v1/templates/strict/instantiate', {
      json: {answers: {project_name: {x: 1}}},
    })
    await expectProblem(type, 400, 'VALIDATION_ERROR')
    const format = await server.api('/api/v1/templates/strict/instantiate', {json: {format: 'rar'}})
    await expectProblem(format, 400, 'VALIDATION_ERROR')
    const root = await server.api('/api/v1/templates/strict/instantiate', {
      json: {format: 'zip', root: '../up'},
    })
    await expectProblem(root, 422, 'UNSAFE_PATH')
    await expectProblem(await server.api('/api/v1/templates/nope/instantiate', {json: {}}), 404, 'NOT_FOUND')
  })
})
