import {lstat, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {DestinationNotEmptyError, UnsafePathError, UsageError} from '../../../src/domain/errors.js'
import {assertDestinationUsable, writeProject} from '../../../src/render/write.js'

const encode = (s: string) => new TextEncoder().encode(s)
const PROJECT = new Map<string, Uint8Array>([
  ['README.md', encode('# shop\n')],
  ['src/shop/__init__.py', encode('')],
  ['scripts/run.sh', encode('#!/bin/sh\necho hi\n')],
])

let root: string
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'maestro-write-'))
})
afterEach(async () => {
  await rm(root, {recursive: true, force: true})
})

async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const rel = prefix + entry.name
    if (entry.isDirectory()) out.push(...(await tree(join(dir, entry.name), `${rel}/`)))
    else out.push(rel)
  }
  return out.sort()
}

describe('writeProject', () => {
  it('creates a missing destination with every file', async () => {
    const dest = join(root, 'deep', 'shop')
    const result = await writeProject(dest, PROJECT)
    expect(result).toEqual({
      dest,
      written: ['README.md', 'scripts/run.sh', 'src/shop/__init__.py'],
      dryRun: false,
      changes: [
        {path: 'README.md', change: 'new'},
        {path: 'scripts/run.sh', change: 'new'},
        {path: 'src/shop/__init__.py', change: 'new'},
      ],
    })
    expect(await tree(dest)).toEqual(['README.md', 'scripts/run.sh', 'src/shop/__init__.py'])
    expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('# shop\n')
    expect(await readdir(join(root, 'deep'))).toEqual(['shop'])
  })

  it('makes files with a shebang executable', async () => {
    const dest = join(root, 'shop')
    await writeProject(dest, PROJECT)
    expect((await stat(join(dest, 'scripts/run.sh'))).mode & 0o100).toBe(0o100)
    expect((await stat(join(dest, 'README.md'))).mode & 0o100).toBe(0)
  })

  it('fills an existing empty folder', async () => {
    const dest = join(root, 'shop')
    await mkdir(dest)
    await writeProject(dest, PROJECT)
    expect(await tree(dest)).toHaveLength(3)
  })

  it('refuses a non-empty destination without force', async () => {
    const dest = join(root, 'shop')
    await mkdir(dest)
    await writeFile(join(dest, 'keep.txt'), 'mine')
    await expect(writeProject(dest, PROJECT)).rejects.toThrow(DestinationNotEmptyError)
    await expect(assertDestinationUsable(dest)).rejects.toThrow(DestinationNotEmptyError)
    expect(await tree(dest)).toEqual(['keep.txt'])
  })

  it('refuses a destination that is a file', async () => {
    const dest = join(root, 'file')
    await writeFile(dest, 'x')
    await expect(writeProject(dest, PROJECT)).rejects.toThrow(UsageError)
  })

  it('writes into a non-empty destination with force, keeping other files', async () => {
    const dest = join(root, 'shop')
    await mkdir(join(dest, 'src'), {recursive: true})
    await writeFile(join(dest, 'keep.txt'), 'mine')
    await writeFile(join(dest, 'README.md'), 'old')
    await writeProject(dest, PROJECT, {force: true})
    expect(await tree(dest)).toEqual(['README.md', 'keep.txt', 'scripts/run.sh', 'src/shop/__init__.py'])
    expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('# shop\n')
  })

  it('writes nothing in a dry run and reports what it would write', async () => {
    const dest = join(root, 'shop')
    const result = await writeProject(dest, PROJECT, {dryRun: true})
    expect(result).toEqual({
      dest,
      written: ['README.md', 'scripts/run.sh', 'src/shop/__init__.py'],
      dryRun: true,
      changes: [
        {path: 'README.md', change: 'new'},
        {path: 'scripts/run.sh', change: 'new'},
        {path: 'src/shop/__init__.py', change: 'new'},
      ],
    })
    expect(await readdir(root)).toEqual([])
  })

  it('lists, in a dry run into a non-empty folder, each file as new, unchanged or conflicting, writing nothing', async () => {
    const dest = join(root, 'shop')
    await mkdir(join(dest, 'scripts'), {recursive: true})
    await writeFile(join(dest, 'x'), 'x')
    await writeFile(join(dest, 'README.md'), 'changed by the user\n')
    await writeFile(join(dest, 'scripts', 'run.sh'), '#!/bin/sh\necho hi\n')
    const result = await writeProject(dest, PROJECT, {dryRun: true})
    expect(result.changes).toEqual([
      {path: 'README.md', change: 'conflict'},
      {path: 'scripts/run.sh', change: 'unchanged'},
      {path: 'src/shop/__init__.py', change: 'new'},
    ])
    const forced = await writeProject(dest, PROJECT, {dryRun: true, force: true})
    expect(forced.changes.map((c) => c.change)).toEqual(['overwritten', 'unchanged', 'new'])
    expect(await tree(dest)).toEqual(['README.md', 'scripts/run.sh', 'x'])
    expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('changed by the user\n')
  })

  it('with force, overwrites and names each file that differs, and leaves identical files alone', async () => {
    const dest = join(root, 'shop')
    await mkdir(join(dest, 'scripts'), {recursive: true})
    await writeFile(join(dest, 'README.md'), 'changed by the user\n')
    await writeFile(join(dest, 'scripts', 'run.sh'), '#!/bin/sh\necho hi\n')
    const before = await stat(join(dest, 'scripts', 'run.sh'))
    const result = await writeProject(dest, PROJECT, {force: true})
    expect(result.changes).toEqual([
      {path: 'README.md', change: 'overwritten'},
      {path: 'scripts/run.sh', change: 'unchanged'},
      {path: 'src/shop/__init__.py', change: 'new'},
    ])
    expect(await readFile(join(dest, 'README.md'), 'utf8')).toBe('# shop\n')
    expect((await stat(join(dest, 'scripts', 'run.sh'))).ino).toBe(before.ino)
  })

  it.each(['../escape.txt', '/etc/evil', 'a/../../b', '.git/config', 'a\\b'])(
    'rejects an unsafe path %j before writing anything',
    async (bad) => {
      const dest = join(root, 'shop')
      const files = new Map(PROJECT)
      files.set(bad, encode('x'))
      await expect(writeProject(dest, files)).rejects.toThrow(UnsafePathError)
      expect(await readdir(root)).toEqual([])
    },
  )

  it('rejects a path that needs a file to be a folder, before writing anything', async () => {
    const dest = join(root, 'shop')
    const files = new Map([
      ['a', encode('file')],
      ['a/b', encode('inside')],
    ])
    await expect(writeProject(dest, files)).rejects.toThrow(/needs a to be a folder/)
    expect(await readdir(root)).toEqual([])
  })

  it('leaves no destination and no temporary folder when a write fails midway', async () => {
    const dest = join(root, 'shop')
    const files = new Map(PROJECT)
    // Safe by our rules (each segment under 255 bytes, under 4096 in all) but longer than
    // the OS accepts once joined to the destination; it sorts last, so other files land first.
    const deep = Array.from({length: 20}, (_, i) => `z${String(i).padStart(2, '0')}${'n'.repeat(200)}`).join(
      '/',
    )
    files.set(deep, encode('x'))
    await expect(writeProject(dest, files)).rejects.toMatchObject({code: 'ENAMETOOLONG'})
    expect(await readdir(root)).toEqual([])
  })

  it('refuses to write through a symbolic link inside the destination, writing nothing', async () => {
    const dest = join(root, 'shop')
    const outside = join(root, 'outside')
    await mkdir(outside)
    await mkdir(dest)
    await writeFile(join(dest, 'keep.txt'), 'mine')
    await symlink(outside, join(dest, 'src'))
    const err = await writeProject(dest, PROJECT, {force: true}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnsafePathError)
    expect((err as Error).message).toMatch(/src in the destination is a symbolic link/)
    expect(await readdir(outside)).toEqual([])
    expect(await tree(dest)).toEqual(['keep.txt', 'src'])
    expect(await readdir(dest)).not.toContain('README.md')
  })

  it('refuses to overwrite a file that is a symbolic link', async () => {
    const dest = join(root, 'shop')
    const target = join(root, 'secret.txt')
    await writeFile(target, 'secret')
    await mkdir(dest)
    await symlink(target, join(dest, 'README.md'))
    await expect(writeProject(dest, PROJECT, {force: true})).rejects.toThrow(UnsafePathError)
    expect(await readFile(target, 'utf8')).toBe('secret')
    expect((await lstat(join(dest, 'README.md'))).isSymbolicLink()).toBe(true)
  })

  it('accepts a destination that is itself a link to a folder', async () => {
    const real = join(root, 'real')
    await mkdir(real)
    const link = join(root, 'link')
    await symlink(real, link)
    await writeProject(link, PROJECT)
    expect(await tree(real)).toHaveLength(3)
    expect((await lstat(link)).isSymbolicLink()).toBe(true)
  })
})
