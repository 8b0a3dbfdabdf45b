import {isMap, isScalar, isSeq, LineCounter, parseDocument} from 'yaml'

export interface Position {
  line?: number
  column?: number
}

/**
 * A function that finds where a value sits in a YAML text, so that findings about
 * the manifest point at the offending line. When the path does not exist in full
 * (a missing `license`), it answers with the deepest part that does (the parent
 * mapping), or with nothing.
 *
 * @example
 * ```ts
 * const at = yamlLocator('name: x\nparameters:\n  - name: port\n')
 * at(['parameters', 0, 'name']) // {line: 3, column: 5}
 * ```
 */
export function yamlLocator(text: string): (path: readonly (string | number)[]) => Position {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter})
  return (path) => {
    let node: unknown = doc.contents
    let offset: number | undefined
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment))
        if (!pair || !isScalar(pair.key)) break
        offset = pair.key.range?.[0]
        node = pair.value
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as {range?: [number, number, number]} | undefined
        if (!item) break
        offset = item.range?.[0]
        node = item
      } else {
        break
      }
    }
    if (offset === undefined) return {}
    const {line, col} = lineCounter.linePos(offset)
    return {line, column: col}
  }
}

/** 1-based line and column of a character offset in a text. */
export function positionAt(text: string, offset: number): {line: number; column: number} {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return {line, column: offset - lineStart + 1}
}
