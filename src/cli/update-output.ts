import type {CheckReport, UpdateFile} from '../update/update.js'
import type {DirUpdateResult} from '../update/project-dir.js'

/** Human renderings of `update` and `check`; the commands return the same data for --json. */

const FATE_WORDS: Record<UpdateFile['fate'], string> = {
  unchanged: 'unchanged',
  updated: 'updated',
  merged: 'merged cleanly',
  conflict: 'CONFLICT',
  added: 'added',
  removed: 'removed',
  'kept-deleted': 'kept deleted',
  kept: 'kept yours',
}

export function printUpdate(result: DirUpdateResult, opts: {verbose?: boolean} = {}): string {
  const lines: string[] = []
  if (result.recovered) lines.push('Rolled back an update of this project that had stopped half way.')
  for (const t of result.templates) {
    const where = t.path !== undefined ? ` (${t.path}/)` : ''
    const step = t.step !== undefined ? ` [step ${t.step}]` : ''
    const head =
      t.status === 'current'
        ? `${t.template}${where}${step}: up to date at ${t.to}`
        : `${t.template}${where}${step}: ${t.from} → ${t.to}${t.migrations > 0 ? ` (${t.migrations} migrations)` : ''}`
    lines.push(head)
    if (t.newest !== undefined)
      lines.push(`  ${t.newest} is available (a new major version): maestro-tpl update --to ${t.newest}`)
  }
  // Unchanged files are listed in a dry run only: that is where each file's fate is asked for.
  const shown = result.files.filter((f) => f.fate !== 'unchanged' || result.dryRun || opts.verbose)
  const width = Math.max(0, ...shown.map((f) => FATE_WORDS[f.fate].length))
  for (const f of shown) {
    const extra = [
      f.movedFrom !== undefined ? `moved from ${f.movedFrom}` : '',
      f.reason ?? '',
      f.conflicts !== undefined ? `${f.conflicts} conflict${f.conflicts === 1 ? '' : 's'}` : '',
      f.rej !== undefined ? `template's change in ${f.rej}` : '',
    ].filter(Boolean)
    lines.push(
      `  ${FATE_WORDS[f.fate].padEnd(width)}  ${f.path}${extra.length > 0 ? `  (${extra.join('; ')})` : ''}`,
    )
  }
  if (result.status === 'current') lines.push('Nothing to update.')
  else if (result.dryRun) lines.push('Dry run: nothing was written.')
  if (result.conflicts.length > 0) {
    lines.push(
      '',
      `${result.conflicts.length} file${result.conflicts.length === 1 ? '' : 's'} with conflicts ${result.dryRun ? 'would need' : result.conflicts.length === 1 ? 'needs' : 'need'} your decision:`,
      ...result.conflicts.map((p) => `  ${p}`),
      result.files.some((f) => f.rej !== undefined)
        ? "Apply or drop the template's changes in each .rej file, then delete it."
        : 'Resolve the <<<<<<< ======= >>>>>>> markers (your editor or `git mergetool` helps), then commit.',
    )
  } else if (result.status === 'updated' && !result.dryRun) {
    lines.push(`Updated ${result.dir}: review with \`git diff\`, then commit.`)
  }
  return lines.join('\n')
}

export function printCheck(report: CheckReport): string {
  const lines = report.templates.map((t) => {
    const where = t.path !== undefined ? ` (${t.path}/)` : ''
    const newer = t.compatible !== null ? `${t.compatible} available: maestro-tpl update` : 'up to date'
    const major =
      t.latest !== null && t.latest !== (t.compatible ?? t.version) && t.latest !== t.version
        ? `; ${t.latest} is a new major version (update --to ${t.latest})`
        : ''
    return `${t.template}${where} ${t.version}: ${newer}${major}`
  })
  return lines.join('\n')
}
