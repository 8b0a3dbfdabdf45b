import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {
  NameCollisionError,
  RenderError,
  RenderLimitError,
  UnsafePathError,
} from '../../../src/domain/errors.js'
import {resolveAnswers} from '../../../src/render/answers.js'
import {parseTemplate} from '../../../src/domain/template.js'
import type {Answers, LoadedTemplate} from '../../../src/domain/types.js'
import {answersFile} from '../../../src/render/answers-file.js'
import {renderTemplate} from '../../../src/render/render.js'
import type {RenderLimits} from '../../../src/render/render.js'

const META = {template: 'demo', version: '1.0.0', commit: 'abc123'}
const PNG = Uint8Array.of(
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0x00,
  0x00,
  0x00,
  0x0d,
  0x49,
  0x48,
  0x44,
  0x52,
  0xff,
)
const encode = (s: string) => new TextEncoder().encode(s)
const decode = (b: Uint8Array | undefined) => new TextDecoder().decode(b)

function template(manifestTail: string, files: Record<string, string | Uint8Array>): LoadedTemplate {
  const manifest = `name: demo
version: 1.0.0
description: A demo
category: backend_developer
author: Test
${manifestTail}`
  const map = new Map<string, Uint8Array>([['manifest.yaml', encode(manifest)]])
  for (const [path, content] of Object.entries(files))
    map.set(path, typeof content === 'string' ? encode(content) : content)
  return parseTemplate(map)
}

const PARAMS = `parameters:
  - name: name
    type: string
    default: app
  - name: use_docker
    type: boolean
    default: true
  - name: database
    type: choice
    choices: [postgres, none]
    default: postgres
  - name: pool_size
    type: integer
    default: 5
    when: database != "none"
`

async function render(t: LoadedTemplate, answers: Answers = {}, limits?: RenderLimits) {
  const resolved = await resolveAnswers(t.manifest.parameters, answers)
  return renderTemplate(t, resolved, META, {year: 2030, ...(limits ? {limits} : {})})
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (err) {
    return err as Error
  }
  throw new Error('expected a failure')
}

describe('renderTemplate', () => {
  it('renders only files under files/, paths and contents, with the maestro context', async () => {
    const t = template(PARAMS, {
      'README.md': 'not rendered: {{ oops }}',
      'examples/basic.yaml': 'name: x\n',
      'files/src/{{ name }}/__init__.py':
        '# {{ name }} by {{ maestro.template }}@{{ maestro.version }} ({{ maestro.year }})\n',
      'files/plain.txt': 'no markup here\n',
    })
    const out = await render(t, {name: 'billing'})
    expect([...out.keys()]).toEqual(['plain.txt', 'src/billing/__init__.py'])
    expect(decode(out.get('src/billing/__init__.py'))).toBe('# billing by demo@1.0.0 (2030)\n')
  })

  it('skips a file whose rendered path or a segment of it is empty', async () => {
    const t = template(PARAMS, {
      'files/{% if use_docker %}Dockerfile{% endif %}': 'FROM python\n',
      'files/{% if database == "none" %}db{% endif %}/schema.sql': 'create table t();\n',
      'files/app.py': 'x = 1\n',
    })
    expect([...(await render(t)).keys()].sort()).toEqual(['Dockerfile', 'app.py'])
    expect([...(await render(t, {use_docker: false, database: 'none'})).keys()].sort()).toEqual([
      'app.py',
      'db/schema.sql',
    ])
  })

  it.each([
    ['../../etc/x', /"\.\." segment/],
    ['/etc/x', /is absolute/],
    ['C:\\x', /backslash/],
    ['a//b', /empty segment/],
    ['.git/hooks/pre-commit', /\.git component/],
  ])('refuses a rendered name %j that would leave the destination', async (name, reason) => {
    const t = template(PARAMS, {'files/{{ name }}': 'pwned\n'})
    const err = await failure(render(t, {name}))
    expect(err).toBeInstanceOf(UnsafePathError)
    expect(err.message).toMatch(reason)
    expect(err.message).toContain('rendered from files/{{ name }}')
  })

  it('names the file, line and column of an unknown variable', async () => {
    const t = template(PARAMS, {'files/docs/guide.md': '# Guide\n\nHello {{ nmae }}!\n'})
    const err = await failure(render(t))
    expect(err).toBeInstanceOf(RenderError)
    expect((err as RenderError).data).toEqual({file: 'files/docs/guide.md', line: 3, column: 10})
    expect(err.message).toBe('files/docs/guide.md:3:10: undefined variable: nmae')
  })

  it('names the file of an unknown filter and of an unknown variable in a file name', async () => {
    const badFilter = template(PARAMS, {'files/a.txt': '{{ name | shout }}'})
    expect((await failure(render(badFilter))).message).toMatch(/^files\/a\.txt:1:1: undefined filter: shout/)
    const badName = template(PARAMS, {'files/{{ nmae }}.txt': 'x'})
    const err = await failure(render(badName))
    expect(err).toBeInstanceOf(RenderError)
    expect(err.message).toBe('files/{{ nmae }}.txt: in the file name: undefined variable: nmae')
  })

  it('reports a Liquid syntax error with the file and position', async () => {
    const t = template(PARAMS, {'files/app.py': 'ok\n{% if name %}\nx\n'})
    const err = await failure(render(t))
    expect(err).toBeInstanceOf(RenderError)
    expect((err as RenderError).data).toMatchObject({file: 'files/app.py', line: 2, column: 1})
    expect(err.message).toMatch(/not closed/)
  })

  it('treats a parameter skipped by its when condition as nil, not as unknown', async () => {
    const t = template(PARAMS, {'files/db.txt': 'pool={{ pool_size }}{% if pool_size %} set{% endif %}'})
    expect(decode((await render(t, {database: 'none'})).get('db.txt'))).toBe('pool=')
    expect(decode((await render(t)).get('db.txt'))).toBe('pool=5 set')
  })

  it('honours when conditions on files rules', async () => {
    const t = template(
      `${PARAMS}files:\n  - path: Dockerfile\n    when: use_docker\n  - path: "deploy/**"\n    when: database != "none"\n`,
      {
        'files/Dockerfile': 'FROM x\n',
        'files/deploy/db.yaml': 'db: yes\n',
        'files/app.py': '',
      },
    )
    expect([...(await render(t)).keys()].sort()).toEqual(['Dockerfile', 'app.py', 'deploy/db.yaml'])
    expect([...(await render(t, {use_docker: false, database: 'none'})).keys()]).toEqual(['app.py'])
  })

  it('leaves out excluded files, including dot files and whole folders', async () => {
    const t = template(`${PARAMS}exclude:\n  - "**/__pycache__/**"\n  - "**/*.pyc"\n  - _partials\n`, {
      'files/app/__pycache__/x.cpython.pyc': 'junk',
      'files/app/.hidden/__pycache__/y': 'junk',
      'files/app/main.pyc': 'junk',
      'files/_partials/header.md': '# {{ name }}',
      'files/app/main.py': 'print(1)\n',
    })
    expect([...(await render(t)).keys()]).toEqual(['app/main.py'])
  })

  it('copies raw files verbatim, markup included', async () => {
    const workflow = 'run: echo ${{ secrets.TOKEN }} {{ name }}\n'
    const t = template(`${PARAMS}files:\n  - path: ".github/**"\n    raw: true\n`, {
      'files/.github/workflows/ci.yml': workflow,
      'files/{{ name }}.txt': '{{ name }}',
    })
    const out = await render(t, {name: 'shop'})
    expect(decode(out.get('.github/workflows/ci.yml'))).toBe(workflow)
    expect(decode(out.get('shop.txt'))).toBe('shop')
  })

  it('copies binary files byte for byte, while still rendering their names', async () => {
    const t = template(PARAMS, {'files/assets/{{ name }}.png': PNG})
    const out = await render(t, {name: 'logo'})
    expect(out.get('assets/logo.png')).toEqual(PNG)
  })

  it('lets text files include partials from files/', async () => {
    const t = template(`${PARAMS}exclude: [_partials/**]\n`, {
      'files/_partials/header.md': '# {{ name | upcase }}\n',
      'files/README.md': '{% render "_partials/header.md", name: name %}body\n',
    })
    const out = await render(t, {name: 'shop'})
    expect([...out.keys()]).toEqual(['README.md'])
    expect(decode(out.get('README.md'))).toBe('# SHOP\nbody\n')
  })

  it('refuses two files whose rendered paths are one file on macOS or Windows, naming the pair', async () => {
    const t = template(PARAMS, {'files/{{ name }}.txt': 'a', 'files/app.txt': 'b'})
    for (const name of ['APP', 'App']) {
      const err = await failure(render(t, {name}))
      expect(err).toBeInstanceOf(NameCollisionError)
      expect((err as NameCollisionError).data).toEqual({paths: ['app.txt', `${name}.txt`]})
    }
    // NFD against NFC, and the answers file written beside the project.
    const nfd = template(PARAMS, {'files/{{ name }}.txt': 'a', 'files/caf\u00e9.txt': 'b'})
    expect(await failure(render(nfd, {name: 'cafe\u0301'}))).toBeInstanceOf(NameCollisionError)
    const answers = template(PARAMS, {'files/{{ name }}': 'a'})
    expect(await failure(render(answers, {name: '.MAESTRO-answers.yaml'}))).toBeInstanceOf(NameCollisionError)
  })

  it('refuses two files that render to the same path', async () => {
    const t = template(PARAMS, {'files/{{ name }}.txt': 'a', 'files/app.txt': 'b'})
    const err = await failure(render(t, {name: 'app'}))
    expect(err).toBeInstanceOf(RenderError)
    expect(err.message).toContain('files/app.txt and files/{{ name }}.txt both render to app.txt')
  })

  it('refuses a template file that would overwrite .maestro-answers.yaml', async () => {
    const t = template(PARAMS, {'files/.maestro-answers.yaml': 'x'})
    await expect(render(t)).rejects.toThrow(/written by maestro-tpl/)
  })

  it('keeps prototypes out of reach of templates', async () => {
    for (const body of [
      '{{ constructor }}',
      '{{ name.__proto__ }}',
      '{{ maestro.constructor }}',
      '{{ name.constructor.name }}',
    ]) {
      const t = template(PARAMS, {'files/x.txt': body})
      const err = await failure(render(t))
      expect(err).toBeInstanceOf(RenderError)
      expect(err.message).toMatch(/undefined variable/)
    }
  })

  it('does not let an answer named __proto__ change the context prototype', async () => {
    const t = template(PARAMS, {'files/x.txt': '{{ name }}'})
    const answers = JSON.parse('{"name": "ok", "__proto__": {"polluted": "yes"}}') as Answers
    const out = await renderTemplate(t, answers, META)
    expect(decode(out.get('x.txt'))).toBe('ok')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('enforces file count, size and time limits', async () => {
    const t = template(PARAMS, {'files/a.txt': 'aaaa', 'files/b.txt': 'bbbb'})
    await expect(render(t, {}, {maxFiles: 1})).rejects.toMatchObject({
      code: RenderLimitError.code,
      status: 422,
      data: {limit: 'files', maxFiles: 1},
    })
    await expect(render(t, {}, {maxBytes: 6})).rejects.toMatchObject({data: {limit: 'bytes', maxBytes: 6}})
    const slow = template(PARAMS, {'files/slow.txt': '{% for i in (1..100000000) %}{{ i }}{% endfor %}'})
    await expect(render(slow, {}, {timeoutMs: 50})).rejects.toThrow(RenderLimitError)
  })

  it('is deterministic for the same inputs', async () => {
    const t = template(PARAMS, {'files/b.txt': '{{ name }}', 'files/a/{{ name }}.md': '{{ use_docker }}'})
    const first = await render(t)
    const second = await render(t)
    expect([...first.entries()]).toEqual([...second.entries()])
  })
})

describe('answersFile', () => {
  it('records template, version, commit and answers, leaving out secrets', async () => {
    const t = template(
      `parameters:\n  - name: name\n    type: string\n  - name: token\n    type: string\n    secret: true\n  - name: port\n    type: integer\n    default: 80\n`,
      {},
    )
    const answers = await resolveAnswers(t.manifest.parameters, {name: 'shop', token: 's3cr3t'})
    const text = decode(await answersFile(META, answers, t.manifest.parameters))
    expect(text).not.toContain('s3cr3t')
    expect(parse(text)).toEqual({
      template: 'demo',
      version: '1.0.0',
      commit: 'abc123',
      answers: {name: 'shop', port: 80},
    })
  })
})
