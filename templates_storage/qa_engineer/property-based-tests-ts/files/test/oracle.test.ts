import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {timsortLite} from '../src/sort.js'

// The oracle: a slow but obviously right implementation to compare with.
const oracle = (values: number[]) => [...values].sort((a, b) => a - b)

describe('timsortLite', () => {
  it('sorts exactly as the reference does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer({min: 1, max: 16}), (values, run) => {
        expect(timsortLite(values, run)).toEqual(oracle(values))
      }),
    )
  })

  it('is idempotent and leaves its input alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: -5, max: 5})), (values) => {
        const copy = [...values]
        const once = timsortLite(values)
        expect(timsortLite(once)).toEqual(once)
        expect(values).toEqual(copy)
      }),
    )
  })
})
