/**
 * Three-way merge of one text file: the project's copy (ours), the render of the
 * recorded version (base) and the render of the target version (theirs).
 *
 * The line matching is node-diff3's (Khanna, Kunal and Pierce's diff3, the algorithm
 * of GNU diff3 and git's merge); it is a small pure-JavaScript library, so the daemon
 * merges in-process without running git or writing temporary files, and the CLI and the
 * daemon produce the same bytes. Conflict hunks are written here in git's own format.
 */
import {diff3Merge} from 'node-diff3'

export type ConflictStyle = 'inline' | 'rej'

export interface MergeLabels {
  /** Names the project side in markers (`<<<<<<< ours`). */
  ours: string
  /** Names the template side (`>>>>>>> theirs`). */
  theirs: string
}

export interface CleanMerge {
  clean: true
  conflicts: 0
  text: string
}

export interface ConflictedMerge {
  clean: false
  conflicts: number
  /** The file with standard git conflict markers around each conflict. */
  inline: string
  /** The file with the project's side kept at each conflict (what `--conflict rej` writes). */
  kept: string
  /** The template's changes that could not be applied, as unified diff hunks against `kept` (a `.rej` file). */
  rejected: string
}

export type MergeResult = CleanMerge | ConflictedMerge

/** Splits text into lines that keep their line ending, so joining them gives the text back. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/(?<=\n)/)
  return lines
}

const withNewline = (line: string): string => (line.endsWith('\n') ? line : `${line}\n`)

/**
 * Merges `theirs`' changes (relative to `base`) into `ours`. Changes on both sides that
 * are identical merge cleanly; changes that overlap are conflicts.
 *
 * @example
 * ```ts
 * const r = mergeText('a\nb\n', 'a\nB\n', 'A\nb\n', {ours: 'ours', theirs: 'theirs'})
 * r.clean && r.text // 'A\nB\n'
 * ```
 */
export function mergeText(base: string, ours: string, theirs: string, labels: MergeLabels): MergeResult {
  const regions = diff3Merge(splitLines(ours), splitLines(base), splitLines(theirs), {
    excludeFalseConflicts: true,
  })
  let conflicts = 0
  const inline: string[] = []
  const kept: string[] = []
  const hunks: string[] = []
  let keptLine = 0
  for (const region of regions) {
    if (region.ok) {
      inline.push(...region.ok)
      kept.push(...region.ok)
      keptLine += region.ok.length
      continue
    }
    const c = region.conflict!
    conflicts++
    // Markers sit on lines of their own even when a side's last line has no newline.
    inline.push(`<<<<<<< ${labels.ours}\n`, ...c.a.map(withNewline), '=======\n')
    inline.push(...c.b.map(withNewline), `>>>>>>> ${labels.theirs}\n`)
    // A .rej hunk, as patch(1) leaves it: the template's change (base → theirs) placed
    // where the project's version of those lines now sits.
    const at = keptLine + 1
    hunks.push(
      `@@ -${c.o.length === 0 ? at - 1 : at},${c.o.length} +${c.b.length === 0 ? at - 1 : at},${c.b.length} @@\n`,
      ...c.o.map((l) => `-${withNewline(l)}`),
      ...c.b.map((l) => `+${withNewline(l)}`),
    )
    kept.push(...c.a)
    keptLine += c.a.length
  }
  if (conflicts === 0) return {clean: true, conflicts: 0, text: inline.join('')}
  return {clean: false, conflicts, inline: inline.join(''), kept: kept.join(''), rejected: hunks.join('')}
}
