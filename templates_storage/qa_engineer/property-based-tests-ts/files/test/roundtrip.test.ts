import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {decode, encode} from '../src/codec.js'

// Keys that are not special to JavaScript objects: "__proto__" would be a different test.
const key = fc.string({unit: 'grapheme', minLength: 1, maxLength: 12}).filter((k) => k !== '__proto__')
const query = fc.dictionary(key, fc.string({unit: 'grapheme', maxLength: 20}), {maxKeys: 8})

describe('query-string codec', () => {
  it('decode undoes encode, for any record', () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(decode(encode(q))).toEqual(q)
      }),
    )
  })

  it('encoded text never contains a raw separator inside a key or value', () => {
    fc.assert(
      fc.property(query, (q) => {
        const pairs = encode(q).split('&').filter(Boolean)
        expect(pairs).toHaveLength(Object.keys(q).length)
        for (const pair of pairs) expect(pair.split('=')).toHaveLength(2)
      }),
    )
  })

  it('still decodes the examples that once broke it', () => {
    // Counterexamples fast-check found, kept as plain regression tests.
    expect(decode(encode({'a&b': '=', '%': '+'}))).toEqual({'a&b': '=', '%': '+'})
  })
})
