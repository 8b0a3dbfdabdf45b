import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {EMPTY_TREE, blobId, treeId, type TreeEntry} from '../../../src/store/objects.js'
import {git, tempDir} from './support.js'

describe('object ids computed in memory', () => {
  it('match git hash-object for blobs', () => {
    for (const content of ['', 'hello\n', 'é\r\n\u0000binary']) {
      const fromGit = execFileSync('git', ['hash-object', '--stdin'], {
        input: content,
        encoding: 'utf8',
      }).trim()
      expect(blobId(new TextEncoder().encode(content))).toBe(fromGit)
    }
  })

  it('match git mktree for trees, in git order', () => {
    const gitDir = tempDir()
    git(gitDir, 'init', '--bare', '--quiet')
    const blob = blobId(new Uint8Array())
    const subtree = EMPTY_TREE
    const entries: TreeEntry[] = [
      {mode: '100644', path: 'foo.txt', oid: blob, type: 'blob'},
      {mode: '040000', path: 'foo', oid: subtree, type: 'tree'},
      {mode: '100755', path: 'foo-bar', oid: blob, type: 'blob'},
      {mode: '100644', path: 'foo0', oid: blob, type: 'blob'},
      {mode: '100644', path: 'Zed', oid: blob, type: 'blob'},
      {mode: '100644', path: 'é', oid: blob, type: 'blob'},
    ]
    const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.path}\n`).join('')
    const fromGit = execFileSync('git', ['--git-dir', gitDir, 'mktree', '--missing'], {
      input,
      encoding: 'utf8',
    }).trim()
    expect(treeId(entries)).toBe(fromGit)
    expect(entries.map((e) => e.path)).toEqual(['Zed', 'foo-bar', 'foo.txt', 'foo', 'foo0', 'é'])
    expect(treeId([])).toBe(EMPTY_TREE)
  })
})
