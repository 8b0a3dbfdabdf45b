/**
 * What every template of the bundled catalog must be, checked across the whole catalog:
 * distinct from every other (rendered defaults of no two share more than half their
 * lines), at least two parameters that change what is written, a README with a usage
 * section and a parameters table naming every parameter, at least one example answers
 * file, defaults that render, and a quality score of at least 80 from the unchanged scorer.
 *
 * Rendering runs in this process through the same pure functions as the CLI
 * (runInstantiate); generated-projects.ts instantiates through bin/run.js and runs the
 * checkers on what is written.
 */
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {isRequired} from '../../src/domain/parameters.js'
import {loadTemplateDir} from '../../src/domain/template.js'
import type {Answers, LoadedTemplate} from '../../src/domain/types.js'
import {findSection, parseMarkdown} from '../../src/quality/markdown.js'
import {scoreTemplate} from '../../src/quality/score.js'
import {runInstantiate} from '../../src/sandbox/host.js'

const CATALOG = new URL('../../templates_storage', import.meta.url).pathname

/** The bar for the bundled catalog: above the registry's default minimum (70). */
const MIN_CATALOG_SCORE = 80

/** Two templates whose rendered defaults share more than this share of lines are one template twice. */
const MAX_SHARED_LINES = 0.5

interface Entry {
  category: string
  name: string
  dir: string
  template: LoadedTemplate
  examples: {file: string; answers: Answers}[]
  /** Answers for required parameters without a default, taken from the examples. */
  required: Answers
}

function folders(): {category: string; name: string; dir: string}[] {
  const out = []
  for (const category of readdirSync(CATALOG).sort()) {
    if (!statSync(join(CATALOG, category)).isDirectory()) continue
    for (const name of readdirSync(join(CATALOG, category)).sort()) {
      out.push({category, name, dir: join(CATALOG, category, name)})
    }
  }
  return out
}

async function load(folder: {category: string; name: string; dir: string}): Promise<Entry> {
  const template = await loadTemplateDir(folder.dir)
  const exampleDir = join(folder.dir, 'examples')
  const examples = readdirSync(exampleDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((file) => ({file, answers: (parse(readFileSync(join(exampleDir, file), 'utf8')) ?? {}) as Answers}))
  const required: Answers = {}
  for (const param of template.manifest.parameters) {
    if (!isRequired(param) || param.default !== undefined) continue
    const given = examples.find((e) => e.answers[param.name] !== undefined)
    if (given) required[param.name] = given.answers[param.name]!
  }
  return {...folder, template, examples, required}
}

async function render(entry: Entry, answers: Answers): Promise<Map<string, string>> {
  const {files} = await runInstantiate({
    template: entry.template,
    answers,
    useDefaults: true,
    meta: {template: entry.name, version: entry.template.manifest.version, commit: 'catalog-test'},
  })
  const decoder = new TextDecoder()
  return new Map([...files].map(([path, bytes]) => [path, decoder.decode(bytes)]))
}

/** The distinct non-blank lines of a rendered project (trimmed), the unit of comparison. */
function lines(files: Map<string, string>): Set<string> {
  const out = new Set<string>()
  for (const text of files.values()) {
    for (const line of text.split('\n')) {
      const trimmed = line.trim()
      if (trimmed !== '') out.add(trimmed)
    }
  }
  return out
}

const same = (a: Map<string, string>, b: Map<string, string>) =>
  a.size === b.size && [...a].every(([path, text]) => b.get(path) === text)

const entries: Entry[] = []
const defaults = new Map<string, Map<string, string>>()

beforeAll(async () => {
  for (const folder of folders()) {
    const entry = await load(folder)
    entries.push(entry)
    defaults.set(entry.name, await render(entry, entry.required))
  }
}, 600_000)

describe('the bundled catalog', () => {
  it('has no two templates whose rendered defaults share more than half their lines', () => {
    const sets = entries.map((e) => ({name: e.name, lines: lines(defaults.get(e.name)!)}))
    const alike: string[] = []
    for (let i = 0; i < sets.length; i++) {
      for (let j = i + 1; j < sets.length; j++) {
        const [a, b] = [sets[i]!, sets[j]!]
        let shared = 0
        for (const line of a.lines) if (b.lines.has(line)) shared++
        const share = shared / Math.min(a.lines.size, b.lines.size)
        if (share > MAX_SHARED_LINES) alike.push(`${a.name} ~ ${b.name}: ${Math.round(share * 100)}% shared`)
      }
    }
    expect(alike).toEqual([])
  })

  it('keeps each template in the category folder its manifest names', () => {
    const wrong = entries.filter((e) => e.template.manifest.category !== e.category).map((e) => e.name)
    expect(wrong).toEqual([])
  })
})

describe.each(folders())('$category/$name', ({name}) => {
  const entry = () => entries.find((e) => e.name === name)!

  it('has at least two parameters that change what is written', async () => {
    const {template, examples} = entry()
    const changing = new Set<string>()
    for (const param of template.manifest.parameters) {
      const values = examples
        .map((e) => e.answers[param.name])
        .filter((v) => v !== undefined && JSON.stringify(v) !== JSON.stringify(param.default))
      for (const value of values) {
        // Answers the parameter's `when` needs are taken from the example that sets it.
        const example = examples.find((e) => e.answers[param.name] === value)!
        const conditions: Answers = {}
        for (const other of template.manifest.parameters) {
          if (
            other.name !== param.name &&
            param.when?.includes(other.name) &&
            example.answers[other.name] !== undefined
          )
            conditions[other.name] = example.answers[other.name]!
        }
        const withConditions = await render(entry(), {...entry().required, ...conditions})
        const changed = await render(entry(), {...entry().required, ...conditions, [param.name]: value!})
        if (!same(changed, withConditions)) {
          changing.add(param.name)
          break
        }
      }
    }
    expect(
      [...changing].length,
      `parameters the examples show changing the output: ${[...changing].join(', ') || 'none'}`,
    ).toBeGreaterThanOrEqual(2)
  })

  it('has a README with a usage section and a parameters table naming every parameter', () => {
    const {template} = entry()
    const outline = parseMarkdown(template.readme ?? '')
    const usage = findSection(outline, /^(usage|getting started|quick ?start|how to use)\b/i)
    expect(usage, 'README has no usage section').toBeDefined()
    const section = findSection(outline, /^(parameters|options|variables|inputs)\b/i)
    expect(section, 'README has no parameters section').toBeDefined()
    const rows = section!.body.split('\n').filter((l) => /^\s*\|.*\|\s*$/.test(l))
    expect(rows.length, 'the parameters section has no table').toBeGreaterThanOrEqual(2)
    const missing = template.manifest.parameters
      .map((p) => p.name)
      .filter((n) => !rows.some((row) => new RegExp(`(^|[^A-Za-z0-9_])${n}($|[^A-Za-z0-9_])`).test(row)))
    expect(missing, 'parameters the table does not name').toEqual([])
  })

  it('has at least one example answers file, and renders with defaults (only answers without a default given)', () => {
    const {template, examples, required} = entry()
    expect(examples.length).toBeGreaterThanOrEqual(1)
    const unanswered = template.manifest.parameters.filter(
      (p) => isRequired(p) && p.default === undefined && required[p.name] === undefined,
    )
    expect(unanswered.map((p) => p.name)).toEqual([])
    expect(defaults.get(name)!.size).toBeGreaterThan(0)
  })

  it(`scores at least ${MIN_CATALOG_SCORE}`, async () => {
    const report = await scoreTemplate(entry().template, {minScore: MIN_CATALOG_SCORE})
    const weak = report.checks.flatMap((c) => c.recommendations)
    expect(report.score, weak.join('\n')).toBeGreaterThanOrEqual(MIN_CATALOG_SCORE)
  })
})
