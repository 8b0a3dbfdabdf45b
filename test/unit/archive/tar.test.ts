/**
 * The dependency-free tar writer (src/archive/tar/write.ts) of the SDK's uploads and the
 * daemon's downloads, read back by the daemon's
 * unpacker (src/archive) and by tar(1): what the SDK uploads is what the daemon gets,
 * long paths included, and links stay links so the daemon refuses them.
 */
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {filesToEntries, folderToEntries, writeTarGz} from '../../../src/archive/tar/write.js'
import {unpackTarGz} from '../../../src/archive/archive.js'
import {UnsafePathError} from '../../../src/domain/errors.js'
import {tempDir} from '../../helpers/temp.js'

const LIMITS = {unpackedBytes: 1 << 24, entries: 1000, maxRatio: 1000, ratioFloor: 1 << 20}
const encode = (text: string) => new TextEncoder().encode(text)

describe('the tar writer', () => {
  it('packs a file map the daemon unpacks to the same files, long and non-ASCII paths too', () => {
    const long = `files/${'deep/'.repeat(30)}${'n'.repeat(120)}.txt`
    const files = new Map<string, Uint8Array>([
      ['manifest.yaml', encode('name: demo\n')],
      ['files/run.sh', encode('#!/bin/sh\necho hi\n')],
      ['files/ünïcødé.md', encode('# café\n')],
      ['files/empty.txt', new Uint8Array()],
      ['files/big.bin', new Uint8Array(70_000).map((_, i) => i % 251)],
      [long, encode('far down\n')],
    ])
    const archive = writeTarGz(filesToEntries(files))
    expect(unpackTarGz(archive, LIMITS)).toEqual(files)
    // Equal input, equal bytes: no clock or owner in the archive.
    expect(writeTarGz(filesToEntries(files))).toEqual(archive)
  })

  it('writes archives tar(1) lists with their modes and long names', () => {
    const dir = tempDir()
    const long = `a/${'b'.repeat(150)}`
    writeFileSync(
      join(dir, 'x.tar.gz'),
      writeTarGz(
        filesToEntries(
          new Map([
            ['run.sh', encode('#!/bin/sh\n')],
            [long, encode('x')],
          ]),
        ),
      ),
    )
    const listing = execFileSync('tar', ['-tvzf', join(dir, 'x.tar.gz')], {encoding: 'utf8'})
    expect(listing).toMatch(/^-rwxr-xr-x .* run\.sh$/m)
    expect(listing).toContain(long)
    expect(listing).toMatch(/^drwxr-xr-x .* a\/$/m)
  })

  it('packs a folder skipping .git and node_modules, and keeps a link a link for the daemon to refuse', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'files', 'node_modules'), {recursive: true})
    mkdirSync(join(dir, '.git'))
    writeFileSync(join(dir, 'manifest.yaml'), 'name: demo\n')
    writeFileSync(join(dir, 'files', 'a.txt'), 'a')
    writeFileSync(join(dir, 'files', 'node_modules', 'dep.js'), 'x')
    writeFileSync(join(dir, '.git', 'HEAD'), 'ref')
    const SKIPPED = /(^|\/)(\.git|node_modules|\.DS_Store)(\/|$)/
    const clean = await folderToEntries(dir, SKIPPED)
    expect(clean.map((e) => e.path)).toEqual(['files/', 'files/a.txt', 'manifest.yaml'])
    expect(unpackTarGz(writeTarGz(clean), LIMITS)).toEqual(
      new Map([
        ['files/a.txt', encode('a')],
        ['manifest.yaml', encode('name: demo\n')],
      ]),
    )

    symlinkSync('/etc/passwd', join(dir, 'files', 'passwd'))
    const linked = writeTarGz(await folderToEntries(dir, SKIPPED))
    const err = (() => {
      try {
        unpackTarGz(linked, LIMITS)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(UnsafePathError)
    expect((err as Error).message).toContain('symbolic link')
    expect(readFileSync(join(dir, 'manifest.yaml'), 'utf8')).toBe('name: demo\n')
  })
})
