/**
 * Splits an amount in cents between parties by weight, the way invoices and refunds must:
 * whole cents only, nothing lost or created, leftovers to the largest remainders.
 */
export function allocate(totalCents: number, weights: number[]): number[] {
  if (!Number.isSafeInteger(totalCents) || totalCents < 0) throw new RangeError('totalCents must be a whole number >= 0')
  if (weights.length === 0 || weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new RangeError('weights must be finite numbers >= 0')
  }
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum === 0) throw new RangeError('at least one weight must be positive')
  const exact = weights.map((w) => (totalCents * w) / sum)
  const shares = exact.map(Math.floor)
  let left = totalCents - shares.reduce((a, b) => a + b, 0)
  const byRemainder = exact
    .map((value, index) => ({index, remainder: value - Math.floor(value)}))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index)
  for (const {index} of byRemainder) {
    if (left === 0) break
    shares[index]! += 1
    left -= 1
  }
  return shares
}
