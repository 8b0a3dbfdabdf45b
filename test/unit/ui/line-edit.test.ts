import {describe, expect, it} from 'vitest'

import {editLine} from '../../../src/ui/line-edit.js'

describe('editLine (prompt line editing, as in a shell)', () => {
  it('deletes one character per Backspace, DEL or ^H, however many arrive in one read', () => {
    expect(editLine('billing-api', '\x7f')).toEqual({value: 'billing-ap', submit: false})
    expect(editLine('billing-api', '\x7f\x7f\x7f\x7f')).toEqual({value: 'billing', submit: false})
    expect(editLine('billing', '\b\b')).toEqual({value: 'billi', submit: false})
    expect(editLine('ab', '\x7f\x7f\x7f\x7f')).toEqual({value: '', submit: false})
    // A whole code point at a time.
    expect(editLine('café🚀', '\x7f\x7f')).toEqual({value: 'caf', submit: false})
  })

  it('Ctrl-U clears the line, Ctrl-W deletes the word before the cursor and the blanks after it', () => {
    expect(editLine('anything at all', '\x15')).toEqual({value: '', submit: false})
    expect(editLine('my billing api', '\x17')).toEqual({value: 'my billing ', submit: false})
    expect(editLine('my billing   ', '\x17')).toEqual({value: 'my ', submit: false})
    expect(editLine('my billing api', '\x17\x17')).toEqual({value: 'my ', submit: false})
    expect(editLine('one', '\x17\x17')).toEqual({value: '', submit: false})
  })

  it('types, edits and submits in one read (a paste with its Enter), dropping what follows Enter', () => {
    expect(editLine('', 'billing\r')).toEqual({value: 'billing', submit: true})
    expect(editLine('old', '\x15new\x7fw\rignored')).toEqual({value: 'new', submit: true})
    expect(editLine('x', '\n')).toEqual({value: 'x', submit: true})
  })

  it('ignores arrow keys, other escape sequences and control characters', () => {
    expect(editLine('ab', '\x1b[D\x1b[A\x1bOP\x1b[1;5Cc')).toEqual({value: 'abc', submit: false})
    expect(editLine('ab', '\x01\x02\tc')).toEqual({value: 'abc', submit: false})
  })
})
