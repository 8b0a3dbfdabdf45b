import type {SyncSummary} from '../sync/git-sync.js'
import type {MirrorSummary} from '../sync/mirror.js'
import {table} from '../ui/table.js'

/** Human renderings of `sync` results: one summary row, then the names of what moved. */

type Moved = {added: string[]; changed: string[]; removed: string[]}

export function formatGitSync(summary: SyncSummary): string {
  const {added, changed, removed} = summary.templates
  const row = {
    namespace: summary.namespace,
    fetched: summary.fetched,
    pushed: summary.pushed,
    added: added.length,
    changed: changed.length,
    removed: removed.length,
    head: summary.head?.slice(0, 12) ?? '-',
  }
  const summaryTable = table(
    [row],
    [
      {key: 'namespace', header: 'NAMESPACE'},
      {key: 'fetched', header: 'FETCHED', align: 'right'},
      {key: 'pushed', header: 'PUSHED', align: 'right'},
      {key: 'added', header: 'ADDED', align: 'right'},
      {key: 'changed', header: 'CHANGED', align: 'right'},
      {key: 'removed', header: 'REMOVED', align: 'right'},
      {key: 'head', header: 'HEAD'},
    ],
  )
  return [summaryTable, ...movedLines(summary.templates)].join('\n')
}

export function formatMirror(summary: MirrorSummary): string {
  const {added, changed, removed, unchanged} = summary.templates
  const row = {
    namespace: summary.namespace,
    added: added.length,
    changed: changed.length,
    removed: removed.length,
    unchanged,
    versions: summary.versions,
    bytes: summary.bytes,
  }
  const summaryTable = table(
    [row],
    [
      {key: 'namespace', header: 'NAMESPACE'},
      {key: 'added', header: 'ADDED', align: 'right'},
      {key: 'changed', header: 'CHANGED', align: 'right'},
      {key: 'removed', header: 'REMOVED', align: 'right'},
      {key: 'unchanged', header: 'UNCHANGED', align: 'right'},
      {key: 'versions', header: 'VERSIONS', align: 'right'},
      {key: 'bytes', header: 'BYTES', align: 'right'},
    ],
  )
  return [summaryTable, ...movedLines(summary.templates)].join('\n')
}

function movedLines(templates: Moved): string[] {
  return (['added', 'changed', 'removed'] as const)
    .filter((label) => templates[label].length > 0)
    .map((label) => `${label}: ${templates[label].join(', ')}`)
}
