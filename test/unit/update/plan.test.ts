import {describe, expect, it} from 'vitest'

import {planUpdate} from '../../../src/update/plan.js'
import type {PlanInput} from '../../../src/update/plan.js'

const enc = (s: string) => new TextEncoder().encode(s)
const map = (o: Record<string, string | Uint8Array>) =>
  new Map(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? enc(v) : v]))
const plan = (over: Partial<PlanInput> & Pick<PlanInput, 'base' | 'theirs' | 'ours'>) =>
  planUpdate({moves: [], deletes: [], style: 'inline', labels: {ours: 'o', theirs: 't'}, ...over})
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : b)

describe('planUpdate', () => {
  it('gives each file its fate and only the changes that carry them out', () => {
    const {files, changes} = plan({
      base: map({same: 's\n', upd: 'u1\n', gone: 'g\n', mine: 'm\n', deleted: 'd1\n'}),
      theirs: map({same: 's\n', upd: 'u2\n', mine: 'm2\n', deleted: 'd2\n', fresh: 'f\n'}),
      ours: new Map([
        ['same', enc('s\n')],
        ['upd', enc('u1\n')],
        ['gone', enc('g\n')],
        ['mine', enc('m mine\n')],
        ['deleted', null],
        ['fresh', null],
      ]),
    })
    expect(Object.fromEntries(files.map((f) => [f.path, f.fate]))).toEqual({
      same: 'unchanged',
      upd: 'updated',
      gone: 'removed',
      mine: 'conflict',
      deleted: 'kept-deleted',
      fresh: 'added',
    })
    expect([...changes.keys()].sort()).toEqual(['fresh', 'gone', 'mine', 'upd'])
    expect(changes.get('gone')).toBeNull()
    expect(text(changes.get('upd'))).toBe('u2\n')
    expect(files.find((f) => f.path === 'upd')!.patch).toContain('-u1\n+u2')
  })

  it('keeps a file the template dropped when the user changed it', () => {
    const {files, changes} = plan({base: map({a: 'x\n'}), theirs: map({}), ours: map({a: 'y\n'})})
    expect(files).toMatchObject([{path: 'a', fate: 'kept'}])
    expect(changes.size).toBe(0)
  })

  it('never merges binary files: the user copy wins', () => {
    const bin = (n: number) => Uint8Array.of(0, 1, n)
    const {files, changes} = plan({base: map({b: bin(1)}), theirs: map({b: bin(2)}), ours: map({b: bin(3)})})
    expect(files).toMatchObject([{path: 'b', fate: 'kept'}])
    expect(changes.size).toBe(0)
  })

  it('writes the template side of a conflict to a .rej file in rej style', () => {
    const {files, changes} = plan({
      base: map({c: 'a\nb\n'}),
      theirs: map({c: 'a\nB\n'}),
      ours: map({c: 'a\nβ\n'}),
      style: 'rej',
    })
    expect(files).toMatchObject([{path: 'c', fate: 'conflict', rej: 'c.rej', conflicts: 1}])
    // The project's lines stay as they are: only the .rej is written.
    expect(changes.has('c')).toBe(false)
    expect(text(changes.get('c.rej'))).toBe('--- a/c\n+++ b/c\n@@ -2,1 +2,1 @@\n-b\n+B\n')
  })

  it('carries the user edits along a declared move', () => {
    const {files, changes} = plan({
      base: map({old: 'a\nb\nc\n'}),
      theirs: map({new: 'a\nb\nC\n'}),
      ours: new Map([
        ['old', enc('A\nb\nc\n')],
        ['new', null],
      ]),
      moves: [{from: 'old', to: 'new'}],
    })
    expect(files).toMatchObject([{path: 'new', fate: 'merged', movedFrom: 'old'}])
    expect(changes.get('old')).toBeNull()
    expect(text(changes.get('new'))).toBe('A\nb\nC\n')
  })

  it('a move of a file the user deleted keeps it deleted', () => {
    const {files, changes} = plan({
      base: map({old: 'a\n'}),
      theirs: map({new: 'a2\n'}),
      ours: new Map([
        ['old', null],
        ['new', null],
      ]),
      moves: [{from: 'old', to: 'new'}],
    })
    expect(files).toMatchObject([{path: 'new', fate: 'kept-deleted'}])
    expect(changes.size).toBe(0)
  })

  it('removes a path the template declared obsolete', () => {
    const {files, changes} = plan({
      base: map({}),
      theirs: map({}),
      ours: map({'setup.cfg': 'x'}),
      deletes: ['setup.cfg'],
    })
    expect(files).toMatchObject([{path: 'setup.cfg', fate: 'removed'}])
    expect(changes.get('setup.cfg')).toBeNull()
  })
})
