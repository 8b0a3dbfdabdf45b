/** An insertion-sorted merge of sorted runs: fast on nearly sorted data, easy to get wrong. */
export function timsortLite(values: readonly number[], run = 8): number[] {
  const out = [...values]
  for (let start = 0; start < out.length; start += run) {
    const end = Math.min(start + run, out.length)
    for (let i = start + 1; i < end; i++) {
      const v = out[i]!
      let j = i - 1
      while (j >= start && out[j]! > v) {
        out[j + 1] = out[j]!
        j--
      }
      out[j + 1] = v
    }
  }
  for (let width = run; width < out.length; width *= 2) {
    for (let left = 0; left < out.length - width; left += 2 * width) {
      const middle = left + width
      const right = Math.min(left + 2 * width, out.length)
      const merged: number[] = []
      let i = left
      let j = middle
      while (i < middle && j < right) merged.push(out[i]! <= out[j]! ? out[i++]! : out[j++]!)
      while (i < middle) merged.push(out[i++]!)
      while (j < right) merged.push(out[j++]!)
      out.splice(left, merged.length, ...merged)
    }
  }
  return out
}
