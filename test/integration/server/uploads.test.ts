import {gzipSync} from 'node:zlib'

import * as tar from 'tar'
import {describe, expect, it} from 'vitest'

import {packTarGz, packZip, unpackTarGz} from '../../../src/archive/archive.js'
import {entriesOf, expectProblem, startTestServer, tarGz, templateFiles} from './support.js'

const LIMITS = {unpackedBytes: 50 * 1024 * 1024, entries: 5000, maxRatio: 100, ratioFloor: 1024 * 1024}

function upload(
  server: Awaited<ReturnType<typeof startTestServer>>,
  body: Uint8Array,
  path = '/api/v1/templates',
) {
  return server.api(path, {
    method: 'POST',
    headers: {'content-type': 'application/gzip'},
    body: new Uint8Array(body),
  })
}

describe('archives', () => {
  it('round-trips a file map through packTarGz and unpackTarGz', () => {
    const files = templateFiles({files: {'files/bin/run.sh': '#!/bin/sh\n', 'files/deep/a/b/c.txt': 'c'}})
    files.set(`files/${'long-name-'.repeat(20)}.txt`, new TextEncoder().encode('long path, pax header'))
    const back = unpackTarGz(packTarGz(files, ''), LIMITS)
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort())
    for (const [path, content] of files)
      expect(Buffer.from(back.get(path)!).equals(Buffer.from(content))).toBe(true)
  })

  it('takes a single top folder holding manifest.yaml as the template root', () => {
    const files = templateFiles()
    const back = unpackTarGz(
      tarGz([{path: 'my-template/', type: 'Directory'}, ...entriesOf(files, 'my-template/')]),
      LIMITS,
    )
    expect(back.has('manifest.yaml')).toBe(true)
    const dotted = unpackTarGz(tarGz([{path: './', type: 'Directory'}, ...entriesOf(files, './')]), LIMITS)
    expect(dotted.has('manifest.yaml')).toBe(true)
  })

  it('packs zips with Unix modes', () => {
    const zip = packZip(new Map([['run.sh', new TextEncoder().encode('#!/bin/sh\n')]]), 'p')
    expect(zip.subarray(0, 2).toString()).toBe('PK')
  })
})

describe('daemon: .tar.gz uploads', () => {
  it('publishes a template uploaded as a .tar.gz made by tar', async () => {
    const server = await startTestServer()
    const files = templateFiles({name: 'from-tarball'})
    const res = await upload(
      server,
      tarGz([{path: 'from-tarball/', type: 'Directory'}, ...entriesOf(files, 'from-tarball/')]),
    )
    expect(res.status, await res.clone().text()).toBe(201)
    expect((await res.json()).template.name).toBe('from-tarball')
    // tar(1)-style: `tar czf t.tgz -C dir .`
    const again = await upload(server, packTarGz(templateFiles({name: 'packed', version: '1.0.0'}), ''))
    expect(again.status).toBe(201)
  })

  it('refuses entries that escape the root', async () => {
    const server = await startTestServer()
    const files = entriesOf(templateFiles())
    for (const path of [
      '../evil.txt',
      'files/../../evil.txt',
      '/etc/passwd',
      'files/.git/config',
      'C:/x.txt',
    ]) {
      const res = await upload(server, tarGz([...files, {path, content: 'x'}]))
      const problem = await expectProblem(res, 422, 'UNSAFE_PATH')
      expect(problem.path).toBe(path)
    }
  })

  it('refuses symbolic links, hard links and special files', async () => {
    const server = await startTestServer()
    const files = entriesOf(templateFiles())
    const symlink = await upload(
      server,
      tarGz([...files, {path: 'files/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd'}]),
    )
    expect((await expectProblem(symlink, 422, 'UNSAFE_PATH')).detail).toContain('symbolic link')
    const hardlink = await upload(
      server,
      tarGz([...files, {path: 'files/copy', type: 'Link', linkpath: 'manifest.yaml'}]),
    )
    expect((await expectProblem(hardlink, 422, 'UNSAFE_PATH')).detail).toContain('hard link')
    const fifo = await upload(server, tarGz([...files, {path: 'files/pipe', type: 'FIFO'}]))
    await expectProblem(fifo, 422, 'UNSAFE_PATH')
  })

  it('refuses too many entries', async () => {
    const server = await startTestServer({limits: {uploadEntries: 20}})
    const many = Array.from({length: 30}, (_, i) => ({path: `files/f${i}.txt`, content: String(i)}))
    const res = await upload(server, tarGz([...entriesOf(templateFiles()), ...many]))
    await expectProblem(res, 413, 'LIMIT_EXCEEDED')
  })

  it('refuses a decompression bomb by its ratio, and an archive too large once unpacked', async () => {
    const server = await startTestServer()
    const bomb = tarGz([
      ...entriesOf(templateFiles()),
      {path: 'files/zeros.bin', content: new Uint8Array(20 * 1024 * 1024)},
    ])
    expect(bomb.byteLength).toBeLessThan(100 * 1024)
    const problem = await expectProblem(await upload(server, bomb), 413, 'LIMIT_EXCEEDED')
    expect(problem.detail).toContain('bomb')

    const small = await startTestServer({limits: {unpackedBytes: 64 * 1024, maxRatio: 10_000}})
    const big = tarGz([
      ...entriesOf(templateFiles()),
      {path: 'files/big.txt', content: 'y'.repeat(200 * 1024)},
    ])
    const tooBig = await expectProblem(await upload(small, big), 413, 'LIMIT_EXCEEDED')
    expect(tooBig.detail).toContain('decompressed')
  })

  it('refuses a body over the upload limit with 413 before reading it all', async () => {
    const server = await startTestServer({limits: {upload: 1024}})
    const res = await upload(server, gzipSync(Buffer.from(crypto.getRandomValues(new Uint8Array(8192)))))
    await expectProblem(res, 413, 'LIMIT_EXCEEDED')
  })

  it('answers 400 for a body that is not gzip, or not tar inside', async () => {
    const server = await startTestServer()
    await expectProblem(await upload(server, Buffer.from('definitely not gzip')), 400, 'USAGE_ERROR')
    await expectProblem(await upload(server, gzipSync(Buffer.from('x'.repeat(600)))), 400, 'USAGE_ERROR')
  })

  it('scores an uploaded .tar.gz on /quality/validate', async () => {
    const server = await startTestServer()
    const chunks: Buffer[] = []
    const dir = (await import('../../helpers/temp.js')).tempDir()
    const {writeTemplate} = await import('../../helpers/temp.js')
    await writeTemplate(dir, {name: 'on-disk'})
    for await (const chunk of tar.create({gzip: true, cwd: dir, portable: true}, ['.'])) chunks.push(chunk)
    const res = await upload(server, Buffer.concat(chunks), '/api/v1/quality/validate')
    expect(res.status).toBe(200)
    expect((await res.json()).template).toBe('on-disk')
  })
})
