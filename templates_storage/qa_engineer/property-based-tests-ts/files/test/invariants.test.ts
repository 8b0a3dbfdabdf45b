import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {allocate} from '../src/money.js'

const total = fc.integer({min: 0, max: 10_000_000})
const weights = fc
  .array(fc.integer({min: 0, max: 1000}), {minLength: 1, maxLength: 12})
  .filter((ws) => ws.some((w) => w > 0))

describe('allocate', () => {
  it('never loses or creates a cent', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        expect(allocate(t, ws).reduce((a, b) => a + b, 0)).toBe(t)
      }),
    )
  })

  it('gives whole, non-negative cents, nothing to a zero weight', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const shares = allocate(t, ws)
        shares.forEach((share, i) => {
          expect(Number.isInteger(share)).toBe(true)
          expect(share).toBeGreaterThanOrEqual(0)
          if (ws[i] === 0) expect(share).toBe(0)
        })
      }),
    )
  })

  it('stays within one cent of the exact share', () => {
    fc.assert(
      fc.property(total, weights, (t, ws) => {
        const sum = ws.reduce((a, b) => a + b, 0)
        allocate(t, ws).forEach((share, i) => {
          expect(Math.abs(share - (t * ws[i]!) / sum)).toBeLessThan(1)
        })
      }),
    )
  })

  it('gives equal weights shares that differ by at most one cent', () => {
    fc.assert(
      fc.property(total, fc.integer({min: 1, max: 20}), (t, n) => {
        const shares = allocate(t, Array<number>(n).fill(1))
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1)
      }),
    )
  })
})
