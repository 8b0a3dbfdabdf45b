import {mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {
  DestinationNotEmptyError,
  InvalidTemplateError,
  LimitExceededError,
  NotFoundError,
  UnsafePathError,
} from '../../../src/domain/errors.js'
import {loadTemplateDir, parseTemplate} from '../../../src/domain/template.js'
import {writeTemplateDir} from '../../../src/render/write.js'
import type {TemplateFiles} from '../../../src/domain/types.js'

const MANIFEST = `name: hello
version: 0.1.0
description: Says hello
category: technical_writer
author: Test
`
const text = (s: string) => new TextEncoder().encode(s)
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff)

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maestro-template-'))
})
afterEach(async () => {
  await rm(dir, {recursive: true, force: true})
})

async function put(path: string, content: string | Uint8Array) {
  const abs = join(dir, path)
  await mkdir(join(abs, '..'), {recursive: true})
  await writeFile(abs, content)
}

describe('loadTemplateDir', () => {
  it('reads every file with POSIX keys, skipping .git, node_modules and .DS_Store', async () => {
    await put('manifest.yaml', MANIFEST)
    await put('README.md', '# Hello\n')
    await put('files/src/{{ name }}.py', 'print("{{ name }}")\n')
    await put('files/assets/logo.png', PNG)
    await put('.git/HEAD', 'ref: refs/heads/main\n')
    await put('files/node_modules/x/index.js', '')
    await put('files/.DS_Store', 'junk')
    const template = await loadTemplateDir(dir)
    expect([...template.files.keys()].sort()).toEqual([
      'README.md',
      'files/assets/logo.png',
      'files/src/{{ name }}.py',
      'manifest.yaml',
    ])
    expect(template.files.get('files/assets/logo.png')).toEqual(PNG)
    expect(template.readme).toBe('# Hello\n')
    expect(template.manifest.name).toBe('hello')
  })

  it('refuses a symbolic link, naming it', async () => {
    await put('manifest.yaml', MANIFEST)
    await mkdir(join(dir, 'files'))
    await symlink('/etc/passwd', join(dir, 'files', 'passwd'))
    await expect(loadTemplateDir(dir)).rejects.toThrow(UnsafePathError)
    await expect(loadTemplateDir(dir)).rejects.toThrow(/"files\/passwd".*symbolic link/)
  })

  it('refuses a template with too many files or bytes', async () => {
    await put('manifest.yaml', MANIFEST)
    await put('files/a.txt', 'a')
    await put('files/b.txt', 'b'.repeat(100))
    await expect(loadTemplateDir(dir, {maxFiles: 2})).rejects.toThrow(LimitExceededError)
    await expect(loadTemplateDir(dir, {maxBytes: 50})).rejects.toThrow(LimitExceededError)
  })

  it('names the folder when manifest.yaml is missing, and reports issues in it by folder', async () => {
    await put('README.md', 'x')
    const err = await loadTemplateDir(dir).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidTemplateError)
    expect((err as InvalidTemplateError).issues[0]!.file).toBe(`${dir}/manifest.yaml`)
    expect((err as Error).message).toContain(dir)

    await put('manifest.yaml', MANIFEST.replace('0.1.0', 'one'))
    const invalid = (await loadTemplateDir(dir).catch((e: unknown) => e)) as InvalidTemplateError
    expect(invalid).toBeInstanceOf(InvalidTemplateError)
    expect(invalid.issues[0]).toMatchObject({file: `${dir}/manifest.yaml`, line: 2})
  })

  it('says when the folder does not exist', async () => {
    await expect(loadTemplateDir(join(dir, 'nope'))).rejects.toThrow(NotFoundError)
  })
})

describe('parseTemplate', () => {
  it('validates every path', () => {
    const files: TemplateFiles = new Map([
      ['manifest.yaml', text(MANIFEST)],
      ['files/../../evil', text('x')],
    ])
    expect(() => parseTemplate(files)).toThrow(UnsafePathError)
  })

  it('gives an empty readme when README.md is absent', () => {
    expect(parseTemplate(new Map([['manifest.yaml', text(MANIFEST)]])).readme).toBe('')
  })

  it('refuses a manifest that is not UTF-8', () => {
    expect(() => parseTemplate(new Map([['manifest.yaml', Uint8Array.of(0xff, 0xfe, 0x00)]]))).toThrow(
      /not UTF-8/,
    )
  })
})

describe('writeTemplateDir', () => {
  it('writes the files and refuses a non-empty folder unless forced', async () => {
    const files: TemplateFiles = new Map([
      ['manifest.yaml', text(MANIFEST)],
      ['files/logo.png', PNG],
    ])
    const out = join(dir, 'out')
    await writeTemplateDir(out, files)
    expect(new Uint8Array(await readFile(join(out, 'files/logo.png')))).toEqual(PNG)
    await expect(writeTemplateDir(out, files)).rejects.toThrow(DestinationNotEmptyError)
    await writeTemplateDir(out, new Map([['manifest.yaml', text(MANIFEST + 'license: MIT\n')]]), {
      force: true,
    })
    expect(await readFile(join(out, 'manifest.yaml'), 'utf8')).toContain('license: MIT')
    expect((await readdir(out)).sort()).toEqual(['files', 'manifest.yaml'])
  })
})
