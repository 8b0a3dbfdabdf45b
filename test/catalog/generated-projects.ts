/**
 * The catalog check, shared by its shards (generated-projects-N.test.ts): every bundled
 * template, instantiated through the built CLI (bin/run.js) as a user does,
 * with its defaults (plus the required answers its examples give) and with each example
 * answers file; each generated project is then checked by its own tooling (npm install,
 * test, lint...) and by a real checker per file kind (see checks.ts).
 *
 * Slow parts are cached under ~/.cache/maestro-catalog (MAESTRO_CATALOG_CACHE): node_modules
 * per dependency set, for a week. Run on its own with `npm run catalog:check`.
 *
 * The templates are dealt to SHARDS files in turn (sorted by category and name, so each
 * shard gets a like mix of heavy npm projects and light documents); vitest runs the shards
 * side by side (the catalog-projects project in vitest.config.ts), since most of a check's
 * time is spent waiting on npm, git and child processes rather than on this process.
 */
import {createHash} from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {BIN, runBin} from '../helpers/command.js'
import {listFiles} from './checks.js'
import {wasmTools} from './kinds.js'
import {checkProject} from './project-checks.js'
import {CACHE_DIR, type Finding} from './tools.js'

const CATALOG = new URL('../../templates_storage', import.meta.url).pathname

interface Parameter {
  name: string
  default?: unknown
  required?: boolean
}

interface Variant {
  /** "defaults" or the example file's name. */
  name: string
  args: string[]
}

/** `npm run catalog:check -- NAME...` checks only those templates (scripts/catalog-check.mjs sets this). */
const ONLY = new Set((process.env.MAESTRO_CATALOG_ONLY ?? '').split(',').filter(Boolean))

/** Where each checked variant is recorded (one JSON line each) for catalog:check's table. */
const REPORT = process.env.MAESTRO_CATALOG_REPORT

/** How many generated-projects-N.test.ts files there are (each calls checkCatalogShard). */
export const SHARDS = 3

function templates(): {category: string; name: string; dir: string}[] {
  const out = []
  for (const category of readdirSync(CATALOG).sort()) {
    if (!statSync(join(CATALOG, category)).isDirectory()) continue
    for (const name of readdirSync(join(CATALOG, category)).sort()) {
      if (ONLY.size > 0 && !ONLY.has(name)) continue
      out.push({category, name, dir: join(CATALOG, category, name)})
    }
  }
  if (ONLY.size > 0 && out.length !== ONLY.size) {
    const found = new Set(out.map((t) => t.name))
    throw new Error(`no such template in the catalog: ${[...ONLY].filter((n) => !found.has(n)).join(', ')}`)
  }
  return out
}

/**
 * "defaults": --defaults plus `--set` for each required parameter without a default, with
 * the value an example gives (minimal.yaml first); then one variant per example file.
 */
function variants(dir: string): Variant[] {
  const manifest = parse(readFileSync(join(dir, 'manifest.yaml'), 'utf8')) as {parameters?: Parameter[]}
  const exampleFiles = readdirSync(join(dir, 'examples'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort((a, b) => Number(b.startsWith('minimal.')) - Number(a.startsWith('minimal.')) || a.localeCompare(b))
  const examples = exampleFiles.map(
    (f) => (parse(readFileSync(join(dir, 'examples', f), 'utf8')) ?? {}) as Record<string, unknown>,
  )
  const sets: string[] = []
  for (const param of manifest.parameters ?? []) {
    if (!(param.required ?? param.default === undefined)) continue
    const value = examples.find((answers) => answers[param.name] !== undefined)?.[param.name]
    if (value === undefined) continue
    sets.push(
      '--set',
      `${param.name}=${Array.isArray(value) ? value.join(',') : `${value as string | number | boolean}`}`,
    )
  }
  return [
    {name: 'defaults', args: sets},
    ...exampleFiles.map((f) => ({name: f, args: ['--answers', join(dir, 'examples', f)]})),
  ]
}

/** Hash of what was generated, so a variant that renders the same project is checked once. */
function contentHash(dir: string): string {
  const hash = createHash('sha256')
  for (const file of listFiles(dir)) {
    if (file === '.maestro-answers.yaml') continue
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0')
  }
  return hash.digest('hex')
}

function record(row: {
  template: string
  variant: string
  files: number
  ran: string[]
  failed: string[]
}): void {
  if (REPORT) appendFileSync(REPORT, `${JSON.stringify(row)}\n`)
}

function report(findings: Finding[]): string {
  return findings.map((f) => `--- ${f.check}\n${f.output.trim()}`).join('\n\n')
}

/** Defines the checks of shard `shard` (1-based) of SHARDS: every SHARDS-th template. */
export function checkCatalogShard(shard: number): void {
  const mine = templates().filter((_, i) => i % SHARDS === shard - 1)
  describe(`projects generated from the bundled catalog pass their own checks (${shard}/${SHARDS})`, () => {
    defineChecks(mine)
  })
}

function defineChecks(mine: {category: string; name: string; dir: string}[]): void {
  let work: string
  let store: string
  const checked = new Map<string, {label: string; passed: boolean}>()

  beforeAll(async () => {
    // The WebAssembly checkers load in a fixed order (see wasmTools).
    await wasmTools()
    if (!existsSync(BIN) || !existsSync(new URL('../../dist/bundle/index.js', import.meta.url))) {
      throw new Error('the built CLI is missing: run `npm run build` first (npm test and catalog:check do)')
    }
    mkdirSync(CACHE_DIR, {recursive: true})
    // Not under node_modules/: tools skip files there (Playwright does not compile its TypeScript).
    work = mkdtempSync(join(tmpdir(), 'maestro-catalog-'))
    store = join(work, 'store')
  })

  afterAll(() => {
    if (work) rmSync(work, {recursive: true, force: true})
  })

  // A shard left without templates (a short MAESTRO_CATALOG_ONLY list) has nothing to check.
  if (mine.length === 0) it.skip('no template of this shard was named', () => undefined)

  describe.each(mine)('$category/$name', ({name, dir}) => {
    it.each(variants(dir))(
      'with $name',
      async (variant) => {
        const dest = join(work, `${name}--${variant.name.replace(/\.ya?ml$/, '')}`)
        const made = runBin(['instantiate', name, dest, '--defaults', ...variant.args], {MAESTRO_HOME: store})
        if (made.status !== 0) {
          record({template: name, variant: variant.name, files: 0, ran: [], failed: ['instantiate']})
        }
        expect(
          made.status,
          `instantiate ${name} ${variant.args.join(' ')}\n${made.stdout}${made.stderr}`,
        ).toBe(0)

        const hash = contentHash(dest)
        const same = checked.get(hash)
        if (same) {
          // Same bytes, same verdict: a copy of a failed project fails too.
          expect(same.passed, `same files as ${same.label}, whose checks failed`).toBe(true)
          console.log(`${name} with ${variant.name}: same files as ${same.label}, checked there`)
          record({
            template: name,
            variant: variant.name,
            files: listFiles(dest).length,
            ran: ['same files as ' + same.label],
            failed: [],
          })
          return
        }
        const verdict = {label: `${name} with ${variant.name}`, passed: false}
        checked.set(hash, verdict)

        const fileCount = listFiles(dest).length
        const {ran, findings} = await checkProject(name, dest)
        record({
          template: name,
          variant: variant.name,
          files: fileCount,
          ran,
          failed: findings.map((f) => f.check),
        })
        expect(findings, report(findings)).toEqual([])
        verdict.passed = true
        rmSync(dest, {recursive: true, force: true})
      },
      900_000,
    )
  })
}
