import type {VersionInfo} from '../domain/types.js'
import type {SearchResult, TemplateDetail} from '../registry/types.js'
import {table} from '../ui/table.js'

/** Human renderings of command results; the commands return the same data for --json. */

/**
 * A page of results; with `category` (the `--category` filter) also how full that shelf is
 * and the counts of every other category, so a user can see where the templates are.
 */
export function printSearchResult(result: SearchResult, opts: {category?: string} = {}): string {
  const shelves = opts.category === undefined ? [] : ['', printCategoryCounts(result, opts.category)]
  if (result.items.length === 0) {
    return ['No templates found. Try fewer words or filters.', ...shelves].join('\n')
  }
  const rows = result.items.map((t) => ({...t, score: t.quality_score ?? '-', tags: t.tags.join(',')}))
  // A count that stopped early is a lower bound: "of 10,000+".
  const total = `${result.total.toLocaleString('en-US')}${result.total_exact === false ? '+' : ''}`
  const shown = `${result.offset + 1}-${result.offset + result.items.length} of ${total}`
  // Names alone are ambiguous once results come from several namespaces (your tenant's
  // fastapi-service next to the public one): then each row says where it lives.
  const namespaces = new Set(result.items.map((t) => t.namespace))
  return [
    table(rows, [
      ...(namespaces.size > 1 ? [{key: 'namespace' as const, header: 'NAMESPACE'}] : []),
      {key: 'name', header: 'NAME'},
      {key: 'version', header: 'VERSION'},
      {key: 'category', header: 'CATEGORY'},
      {key: 'score', header: 'SCORE', align: 'right'},
      {key: 'description', header: 'DESCRIPTION', max: 60},
    ]),
    '',
    `${shown} templates`,
    ...shelves,
  ].join('\n')
}

/** `devops_engineer: 40 of 228 templates in 15 categories`, then every category's count. */
export function printCategoryCounts(result: SearchResult, category: string): string {
  const counts = Object.entries(result.categories ?? {}).sort(([a], [b]) => a.localeCompare(b))
  const all = counts.reduce((sum, [, n]) => sum + n, 0)
  const here = result.categories?.[category] ?? 0
  return [
    `${category}: ${here} of ${all} templates in ${counts.length} categories`,
    table(
      counts.map(([name, n]) => ({category: name === category ? `${name} *` : name, templates: n})),
      [
        {key: 'category', header: 'CATEGORY'},
        {key: 'templates', header: 'TEMPLATES', align: 'right'},
      ],
    ),
  ].join('\n')
}

export function printDetail(detail: TemplateDetail, opts: {files?: boolean} = {}): string {
  const m = detail.manifest
  const lines = [
    `${detail.namespace}/${detail.name}@${detail.version}  ${detail.category}  score ${detail.quality_score ?? '-'}`,
    m.description,
    '',
    `author:   ${m.author}${m.license ? `   license: ${m.license}` : ''}`,
    `tags:     ${m.tags.join(', ') || '-'}`,
    `commit:   ${detail.commit.slice(0, 12)}   published ${detail.created_at}`,
  ]
  const deps = Object.entries(m.dependencies)
  if (deps.length > 0) lines.push(`depends:  ${deps.map(([n, r]) => `${n} ${r}`).join(', ')}`)
  if (m.parameters.length > 0) {
    lines.push('', 'Parameters:')
    const params = table(
      m.parameters.map((p) => ({
        name: p.name,
        type: p.type === 'choice' || p.type === 'multichoice' ? `${p.type}(${p.choices?.join('|')})` : p.type,
        default:
          p.default === undefined ? (p.required === false ? '' : '(required)') : JSON.stringify(p.default),
        description: p.description ?? '',
      })),
      [
        {key: 'name', header: 'NAME'},
        {key: 'type', header: 'TYPE', max: 40},
        {key: 'default', header: 'DEFAULT', max: 30},
        {key: 'description', header: 'DESCRIPTION', max: 60},
      ],
    )
    lines.push(...params.split('\n').map((line) => `  ${line}`))
  }
  if (opts.files) {
    lines.push('', `Files (${detail.files.length}):`)
    for (const f of detail.files) lines.push(`  ${f.path}  ${f.size} B${f.binary ? ' (binary)' : ''}`)
  }
  if (detail.readme) lines.push('', detail.readme.trimEnd())
  return lines.join('\n')
}

export function printVersions(name: string, versions: VersionInfo[]): string {
  return [
    `${name}: ${versions.length} version${versions.length === 1 ? '' : 's'}`,
    table(
      versions.map((v) => ({...v, commit: v.commit.slice(0, 12), score: v.quality_score ?? '-'})),
      [
        {key: 'version', header: 'VERSION'},
        {key: 'created_at', header: 'PUBLISHED'},
        {key: 'commit', header: 'COMMIT'},
        {key: 'score', header: 'SCORE', align: 'right'},
        {key: 'author', header: 'AUTHOR'},
        {key: 'message', header: 'MESSAGE', max: 50},
      ],
    ),
  ].join('\n')
}
