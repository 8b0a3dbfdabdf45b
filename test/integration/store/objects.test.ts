import {execFileSync} from 'node:child_process'

import {describe, expect, it} from 'vitest'

import {
  EMPTY_TREE,
  blobId,
  commitBody,
  looseObject,
  treeId,
  type TreeEntry,
} from '../../../src/store/objects.js'
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

  it("match git and isomorphic-git for commits, whatever the time zone and the message's line ends", async () => {
    const {default: isogit} = await import('isomorphic-git')
    const fs = await import('node:fs')
    const gitDir = tempDir()
    git(gitDir, 'init', '--bare', '--quiet')
    const cases = [
      {parents: [], offset: 0, message: 'create api\n\nMaestro-Template: api\n'},
      {parents: [blobId(new Uint8Array())], offset: -330, message: '\n\nupdate api\r\n\n\n'},
      {parents: [blobId(new Uint8Array()), EMPTY_TREE], offset: 480, message: 'no newline at the end'},
    ]
    for (const {parents, offset, message} of cases) {
      const author = {
        name: 'Ada',
        email: 'ada@maestro.local',
        timestamp: 1_700_000_000,
        timezoneOffset: offset,
      }
      const committer = {...author, name: 'maestro-tpl', email: 'maestro@local'}
      const ours = looseObject('commit', commitBody({tree: EMPTY_TREE, parents, author, committer, message}))
      const theirs = await isogit.writeCommit({
        fs,
        gitdir: gitDir,
        commit: {tree: EMPTY_TREE, parent: parents, author, committer, message},
      })
      expect(ours.oid).toBe(theirs)
      // And git reads the same object back from its own hashing of the body.
      const body = execFileSync('git', ['--git-dir', gitDir, 'cat-file', 'commit', theirs])
      expect(
        execFileSync('git', ['hash-object', '-t', 'commit', '--stdin', '--literally'], {
          input: body,
          encoding: 'utf8',
        }).trim(),
      ).toBe(ours.oid)
    }
  })
})
