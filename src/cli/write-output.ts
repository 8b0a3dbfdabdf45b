import type {FileChange, WriteResult} from '../render/write.js'

const ORDER: FileChange[] = ['new', 'overwritten', 'unchanged', 'conflict']

/**
 * What `instantiate` wrote, for people: a count per kind of change; in a dry run every
 * file with its change, otherwise every file it overwrote (never one replaced unnamed).
 *
 * @example
 * ```ts
 * printWriteChanges(await writeProject(dest, files, {force: true}), 'fastapi-service@1.0.0', console.log)
 * // Wrote 12 files to /work/billing from fastapi-service@1.0.0 (1 new, 1 overwritten, 10 unchanged)
 * //   overwritten  app/main.py
 * ```
 */
export function printWriteChanges(result: WriteResult, from: string, log: (line: string) => void): void {
  const counts = new Map<FileChange, number>()
  for (const {change} of result.changes) counts.set(change, (counts.get(change) ?? 0) + 1)
  const summary = ORDER.filter((c) => counts.has(c))
    .map((c) => `${counts.get(c)} ${c === 'conflict' ? 'conflicting' : c}`)
    .join(', ')
  const verb = result.dryRun ? 'Would write' : 'Wrote'
  const written = result.changes.filter((c) => c.change !== 'unchanged' && c.change !== 'conflict').length
  const all = result.written.length
  log(
    `${verb} ${written === all ? all : `${written} of ${all}`} files to ${result.dest} from ${from} (${summary})`,
  )
  const width = Math.max(...result.changes.map((c) => c.change.length))
  for (const {path, change} of result.changes) {
    if (result.dryRun || change === 'overwritten') log(`  ${change.padEnd(width)}  ${path}`)
  }
  const conflicts = counts.get('conflict') ?? 0
  if (conflicts > 0)
    log(
      `${conflicts} file${conflicts === 1 ? '' : 's'} in ${result.dest} differ from the template's: ` +
        'without --force the write is refused; with --force they are overwritten',
    )
}
