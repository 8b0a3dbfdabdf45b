#!/usr/bin/env node
/**
 * Writes docs/catalog.md from the manifests in templates_storage/: templates per category,
 * then one table per category (name, description, parameters, tags). `--check` writes
 * nothing and exits 1 when docs/catalog.md is not what the manifests give
 * (test/catalog/docs.test.ts runs it, so a template added without regenerating fails CI).
 *
 *     node scripts/catalog-docs.mjs          # regenerate
 *     node scripts/catalog-docs.mjs --check  # is it current?
 */
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parse} from 'yaml'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CATALOG = join(ROOT, 'templates_storage')
const TARGET = join(ROOT, 'docs', 'catalog.md')

/** A table cell: one line, pipes escaped. */
const cell = (text) => String(text).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()

function manifests() {
  const out = []
  for (const category of readdirSync(CATALOG).sort()) {
    if (!statSync(join(CATALOG, category)).isDirectory()) continue
    for (const name of readdirSync(join(CATALOG, category)).sort()) {
      const file = join(CATALOG, category, name, 'manifest.yaml')
      if (existsSync(file)) out.push({folder: category, ...parse(readFileSync(file, 'utf8'))})
    }
  }
  return out
}

export function renderCatalogDoc() {
  const all = manifests()
  const byCategory = new Map()
  for (const m of all) byCategory.set(m.category, [...(byCategory.get(m.category) ?? []), m])
  const categories = [...byCategory.keys()].sort()
  const lines = [
    '# The bundled catalog',
    '',
    '<!-- Generated from templates_storage/*/*/manifest.yaml by `node scripts/catalog-docs.mjs`; do not edit. -->',
    '',
    `${all.length} templates in ${categories.length} categories. Every one is rendered with its defaults and`,
    'each example and checked by a real checker for each kind of file it writes',
    '(`npm run catalog:check`; the README section "The bundled catalog" says which check',
    'covers which kind of file).',
    '',
    '| category | templates |',
    '| --- | ---: |',
    ...categories.map((c) => `| [${c}](#${c}) | ${byCategory.get(c).length} |`),
    '',
  ]
  for (const category of categories) {
    lines.push(
      `## ${category}`,
      '',
      '| template | what it makes | parameters | tags |',
      '| --- | --- | --- | --- |',
    )
    for (const m of byCategory.get(category)) {
      const params = (m.parameters ?? []).map((p) => `\`${p.name}\``).join(', ')
      lines.push(
        `| \`${m.name}\` ${m.version} | ${cell(m.description)} | ${params || '-'} | ${cell((m.tags ?? []).join(', '))} |`,
      )
    }
    lines.push('')
  }
  return lines.join('\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderCatalogDoc()
  if (process.argv.includes('--check')) {
    const current = existsSync(TARGET) ? readFileSync(TARGET, 'utf8') : ''
    if (current !== text) {
      console.error('docs/catalog.md is not current: run `node scripts/catalog-docs.mjs`')
      process.exit(1)
    }
    console.log('docs/catalog.md is current')
  } else {
    writeFileSync(TARGET, text)
    console.log(`wrote ${TARGET}`)
  }
}
