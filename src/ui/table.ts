/**
 * Plain aligned text tables for terminal output. Kept free of ink so that printing a
 * result costs nothing at start-up.
 *
 * @example
 * ```ts
 * console.log(table([{name: 'a', score: 90}], [{key: 'name', header: 'NAME'}, {key: 'score', header: 'SCORE', align: 'right'}]))
 * ```
 */
export interface Column<T> {
  key: keyof T & string
  header: string
  align?: 'left' | 'right'
  /** Truncate longer cells with an ellipsis. */
  max?: number
  format?: (value: T[keyof T], row: T) => string
}

export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const raw = c.format ? c.format(row[c.key], row) : String(row[c.key] ?? '')
      const text = raw.replace(/\s+/g, ' ')
      return c.max && text.length > c.max ? `${text.slice(0, c.max - 1)}…` : text
    }),
  )
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)))
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd()
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n')
}
