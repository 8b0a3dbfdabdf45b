import {describe, expect, it} from 'vitest'

import {mergeText} from '../../../src/update/merge.js'

const labels = {ours: 'ours', theirs: 'theirs'}

describe('mergeText', () => {
  it('merges changes to different lines', () => {
    expect(mergeText('a\nb\nc\nd\n', 'A\nb\nc\nd\n', 'a\nb\nc\nD\n', labels)).toEqual({
      clean: true,
      conflicts: 0,
      text: 'A\nb\nc\nD\n',
    })
  })

  it('takes the same change made on both sides once', () => {
    const r = mergeText('a\nb\n', 'a\nB\n', 'a\nB\n', labels)
    expect(r).toMatchObject({clean: true, text: 'a\nB\n'})
  })

  it('writes git markers around a conflict, and a .rej hunk against the kept lines', () => {
    const r = mergeText('x\nport=8000\ny\n', 'x\nport=7000\ny\n', 'x\nport=9000\ny\n', labels)
    expect(r.clean).toBe(false)
    if (r.clean) return
    expect(r.conflicts).toBe(1)
    expect(r.inline).toBe('x\n<<<<<<< ours\nport=7000\n=======\nport=9000\n>>>>>>> theirs\ny\n')
    expect(r.kept).toBe('x\nport=7000\ny\n')
    expect(r.rejected).toBe('@@ -2,1 +2,1 @@\n-port=8000\n+port=9000\n')
  })

  it('keeps markers on their own lines when a side has no final newline', () => {
    const r = mergeText('a', 'b', 'c', labels)
    expect(r.clean).toBe(false)
    if (!r.clean) expect(r.inline).toBe('<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n')
  })

  it('keeps CRLF line endings and the absence of a final newline when clean', () => {
    expect(mergeText('a\r\nb\r\nc', 'A\r\nb\r\nc', 'a\r\nb\r\nC', labels)).toMatchObject({
      text: 'A\r\nb\r\nC',
    })
  })

  it('a file both sides created (empty base) conflicts unless equal', () => {
    expect(mergeText('', 'same\n', 'same\n', labels)).toMatchObject({clean: true, text: 'same\n'})
    expect(mergeText('', 'mine\n', 'theirs\n', labels).conflicts).toBe(1)
  })
})
