/** How the workflow commands print what they got (human output; --json prints the result as is). */
import {table} from '../ui/table.js'
import type {DryRunResult, WorkflowDetail, WorkflowSummary} from '../workflows/runtime.js'
import type {ExecutionRecord} from '../workflows/types.js'

export function workflowTable(items: readonly WorkflowSummary[]): string {
  return table(items, [
    {key: 'name', header: 'NAME'},
    {key: 'version', header: 'VERSION'},
    {key: 'quality_score', header: 'SCORE', align: 'right', format: (v) => (v === null ? '-' : String(v))},
    {key: 'namespace', header: 'NAMESPACE'},
    {key: 'description', header: 'DESCRIPTION', max: 70},
  ])
}

export function workflowDetail(w: WorkflowDetail): string {
  const lines = [`${w.name}@${w.version} (${w.namespace})`, w.description, '', 'Parameters:']
  for (const p of w.definition.parameters)
    lines.push(
      `  ${p.name} (${p.type}${p.secret ? ', secret' : ''})${p.default === undefined ? '' : ` = ${JSON.stringify(p.default)}`}${p.description ? `: ${p.description}` : ''}`,
    )
  if (w.definition.parameters.length === 0) lines.push('  (none)')
  lines.push('', 'Steps:')
  for (const s of w.definition.steps)
    lines.push(
      `  ${s.id}: ${s.uses}${s.uses === 'template' ? ` ${String(s.with.template)}` : ''}${s.if ? ` (if ${s.if})` : ''}`,
    )
  return lines.join('\n')
}

export function executionSummary(r: ExecutionRecord): string {
  const lines = [`execution ${r.id}: ${r.state} (${r.workflow}@${r.version})`]
  for (const s of r.steps)
    lines.push(
      `  ${s.state.padEnd(9)} ${s.id}${s.attempts > 1 ? ` (attempt ${s.attempts})` : ''}${s.error ? `: ${s.error.message}` : ''}`,
    )
  if (r.error) lines.push(`error ${r.error.code}: ${r.error.message}`)
  if (r.outputs && Object.keys(r.outputs).length > 0) {
    lines.push('outputs:')
    for (const [k, v] of Object.entries(r.outputs))
      lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
  }
  return lines.join('\n')
}

export function dryRunSummary(d: DryRunResult): string {
  const lines = [`dry run of ${d.workflow}@${d.version}: ${d.state}`]
  for (const s of d.steps)
    lines.push(`  ${s.state.padEnd(9)} ${s.id}${s.error ? `: ${s.error.message}` : ''}`)
  lines.push(`${d.files.length} files:`)
  for (const f of d.files) lines.push(`  ${f.path} (${f.size} bytes)`)
  if (d.error) lines.push(`error ${d.error.code}: ${d.error.message}`)
  return lines.join('\n')
}
