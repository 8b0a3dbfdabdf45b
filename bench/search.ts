/**
 * Search latency of the index, on SQLite or PostgreSQL: bulk-loads a synthetic catalog
 * of `templates` templates (realistic words, the 15 categories, tags, authors, scores,
 * usage counts, three namespaces), then times a mix of queries in-process.
 *
 * Run it compiled (bench/.work is git-ignored):
 *
 * ```sh
 * npm run build
 * node --expose-gc dist/bench/search.js --templates 100000
 * node --expose-gc dist/bench/search.js --templates 100000 --postgres postgres://postgres@127.0.0.1:5432/test
 * ```
 *
 * `--keep` leaves the index behind (the SQLite file, or with `--schema NAME` a named
 * PostgreSQL schema), `--reuse` times it again without rebuilding, `--only TEXT` times
 * the query shapes whose name holds TEXT.
 *
 * (`MAESTRO_BENCH_POSTGRES_URL` does what `--postgres` does.)
 */
import {createHash, randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, rmSync} from 'node:fs'
import {dirname, resolve} from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'
import {sql} from 'kysely'
import type {Insertable, Kysely, RawBuilder} from 'kysely'

import {createDb, dialectOf} from '../src/db/database.js'
import {seqRange} from '../src/db/keys.js'
import {migrateToLatest} from '../src/db/migrate.js'
import {runTransaction} from '../src/db/retry.js'
import {chunks} from '../src/db/rows.js'
import type {Database} from '../src/db/schema.js'
import {searchBackendFor} from '../src/db/search/backend.js'
import type {SearchDocument} from '../src/db/search/backend.js'
import {searchDocument, TemplateIndex} from '../src/db/template-index.js'
import type {RecordVersionInput} from '../src/db/template-index.js'
import {CATEGORIES} from '../src/domain/manifest.js'
import type {Manifest} from '../src/domain/types.js'
import type {SearchQuery} from '../src/registry/types.js'

export interface BenchOptions {
  templates: number
  /** SQLite file to build; it is replaced if it exists. Ignored with `postgresUrl`. */
  dbPath: string
  /**
   * Run on PostgreSQL instead: a server URL. The index is built in a schema of its own
   * (`maestro_bench_<pid>_<random>`), dropped afterwards unless `keep`.
   */
  postgresUrl?: string | undefined
  /** Timed runs of each query (after warm-up). Default 200. */
  runs?: number
  /** Keep the database file afterwards. Default false. */
  keep?: boolean
  /**
   * Time searches against the index a kept earlier run built (the same file, or the
   * PostgreSQL schema named `schema`) instead of building a new one. Default false.
   */
  reuse?: boolean
  /** PostgreSQL: the schema to build in (default `maestro_bench_<pid>_<random>`). */
  schema?: string
  /** Time only the query shapes whose name contains this. */
  only?: string
}

export interface QueryTiming {
  name: string
  query: SearchQuery
  /** Hits of the query (the `total`). */
  total: number
  /** Wall-clock milliseconds. */
  median: number
  p99: number
  /** CPU milliseconds of the process (less sensitive to other load on the machine). */
  cpuMedian: number
  cpuP99: number
}

export interface BenchResult {
  templates: number
  /** Milliseconds to build the index. */
  buildMs: number
  /** Wall-clock milliseconds over every timed search call. */
  median: number
  p99: number
  max: number
  /** CPU milliseconds over every timed search call. */
  cpuMedian: number
  cpuP99: number
  queries: QueryTiming[]
}

const TAGS = (
  'python typescript javascript go rust java kotlin swift react vue svelte angular nextjs fastapi django flask ' +
  'express nestjs spring postgres mysql sqlite redis kafka rabbitmq docker kubernetes helm terraform ansible aws gcp ' +
  'azure graphql rest grpc openapi auth oauth jwt testing pytest jest playwright cypress ci github-actions gitlab ' +
  'monitoring prometheus grafana logging security api cli microservice serverless lambda ml llm etl'
).split(' ')

// Word frequencies follow Zipf's law over a vocabulary of function words, then
// domain words, then a long tail of rarer terms, so a word's rank decides how many
// READMEs hold it: "the" nearly all, "service" (rank ~40) about half, tail words few.
const FUNCTION_WORDS = (
  'the a and to of for with in is this you it on be by as that your can are or an from use ' +
  'will at all not has have if into when more each which how also its one only new so then'
).split(' ')

const DOMAIN_WORDS = (
  'service template project api application setup configuration production ready test tests ' +
  'deploy deployment database data server client build docker container health check checks settings logging ' +
  'metrics monitoring secure security authentication authorization user users model models pipeline workflow ' +
  'scaffold starter boilerplate module library package cache queue worker scheduler event events stream streams ' +
  'http web frontend backend component components layout design system review document documentation guide ' +
  'example examples infrastructure cluster network storage backup migration migrations schema query queries index ' +
  'performance load benchmark integration unit endtoend coverage lint format style quality release version changelog ' +
  'observability tracing alerting dashboard report notebook training inference feature features experiment dataset ' +
  'vector embedding retrieval prompt agent agents chatbot classifier regression forecast anomaly detection fraud ' +
  'payment billing invoice checkout cart catalog inventory order orders shipping tenant tenants admin portal ' +
  'accessibility responsive theme tokens typography wireframe prototype persona journey requirement requirements ' +
  'acceptance criteria story stories backlog architecture decision record diagram threat scan vulnerability secret ' +
  'secrets certificate gateway proxy ingress mesh terraform provider lambda function functions cron batch ' +
  'realtime websocket notification email sms webhook webhooks connector adapter plugin extension sdk wrapper ' +
  'kubernetes helm chart operator controller reconcile ansible playbook vault consul nomad packer ' +
  'fastapi django flask express nestjs spring quarkus gin fiber actix axum rails laravel phoenix'
).split(' ')

/** A deterministic long tail of pronounceable terms ("bravok", "zulimet", …). */
function tailWords(count: number): string[] {
  const onsets = 'b br c ch d f g gr k l m n p pr r s st t tr v z'.split(' ')
  const vowels = 'a e i o u'.split(' ')
  const codas = ['', 'n', 'r', 'k', 'x', 'm', 'l', 'st']
  const words = new Set<string>()
  for (let i = 0; words.size < count; i++) {
    let word = ''
    for (let n = i, syllables = 2 + (i % 2); syllables > 0; syllables--) {
      word += (onsets[n % onsets.length] as string) + (vowels[(n >> 3) % vowels.length] as string)
      n = Math.floor(n / 7) + 13 * syllables
    }
    words.add(word + (codas[i % codas.length] as string))
  }
  return [...words]
}

const WORDS = [...FUNCTION_WORDS, ...DOMAIN_WORDS, ...tailWords(8000)]

/** Cumulative Zipf (s = 1) weights over WORDS, for sampling by binary search. */
const ZIPF = (() => {
  const cumulative: number[] = []
  let sum = 0
  for (let rank = 1; rank <= WORDS.length; rank++) cumulative.push((sum += 1 / rank))
  return cumulative.map((c) => c / sum)
})()

function zipfWord(random: () => number): string {
  const u = random()
  let lo = 0
  let hi = ZIPF.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((ZIPF[mid] as number) < u) lo = mid + 1
    else hi = mid
  }
  return WORDS[lo] as string
}

/** Words that occur in very few documents: the "selective word" queries. */
const RARE = 'zephyrine quillwork brambleton'.split(' ')

const AUTHORS = [
  'Maestro Team',
  'Platform Guild',
  'Data Team',
  'UI Guild',
  'Security Office',
  'QA Chapter',
  'Ada Lovelace',
  'Grace Hopper',
  'Linus Ops',
  'Docs Crew',
]

/** Deterministic PRNG (mulberry32), so runs compare. */
export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Template number `i` of the synthetic catalog (namespaces acme, globex and public).
 * Deterministic for a given sequence of `random` values (see `rng`).
 *
 * @example
 * ```ts
 * const random = rng(42)
 * for (let i = 0; i < 100; i++) await index.recordVersion(synthetic(i, random))
 * ```
 */
export function synthetic(i: number, random: () => number): RecordVersionInput {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const word = () => zipfWord(random)
  const words = (n: number) => Array.from({length: n}, word)
  const domain = () => pick(DOMAIN_WORDS)

  const tags = [...new Set(Array.from({length: 2 + Math.floor(random() * 4)}, () => pick(TAGS)))]
  const name = `${pick(TAGS)}-${domain()}-${i.toString(36)}`
  const description = Array.from({length: 6 + Math.floor(random() * 8)}, () =>
    random() < 0.6 ? domain() : word(),
  ).join(' ')
  const rare = i % 997 === 0 ? ` ${RARE[i % RARE.length]}` : ''
  const readme = `# ${name}\n\n${description}\n\n## Usage\n\n${words(150 + Math.floor(random() * 450)).join(' ')}${rare}\n`
  const namespace = i % 10 === 0 ? 'acme' : i % 10 === 1 ? 'globex' : 'public'
  const manifest: Manifest = {
    name,
    version: `${1 + (i % 3)}.${i % 7}.0`,
    description,
    category: pick(CATEGORIES),
    author: pick(AUTHORS),
    tags,
    dependencies: {},
    files: [],
    exclude: [],
    parameters: [],
  }
  const files = new Map<string, {oid: string; content: Uint8Array}>()
  for (const [path, text] of [
    ['manifest.yaml', JSON.stringify(manifest)],
    ['README.md', readme],
    ['files/README.md', `# {{ project_name }}\n\n${description}\n`],
  ] as const) {
    const content = new TextEncoder().encode(text)
    const oid = createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex')
    files.set(path, {oid, content})
  }
  return {
    namespace,
    manifest,
    readme,
    commit: createHash('sha1').update(`commit ${i}`).digest('hex'),
    message: `create ${name}@${manifest.version}`,
    author: 'Bench <bench@example.com>',
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    files,
    qualityScore: i % 5 === 0 ? null : 40 + Math.floor(random() * 61),
  }
}

/** The query shapes the benchmark times. */
export const QUERIES: {name: string; query: SearchQuery}[] = [
  {name: 'selective word', query: {text: 'zephyrine'}},
  {name: 'common word', query: {text: 'service'}},
  {name: 'function word', query: {text: 'the'}},
  {name: 'two words', query: {text: 'docker deployment'}},
  {name: 'prefix (3 letters)', query: {text: 'kub'}},
  {name: 'prefix (4 letters)', query: {text: 'data'}},
  {name: 'two-letter word', query: {text: 'ai'}},
  {name: 'word + prefix', query: {text: 'python fasta'}},
  {name: 'category filter', query: {category: 'backend_developer'}},
  {name: 'tag filter + word', query: {text: 'api', tags: ['python']}},
  {name: 'tags all-of', query: {tags: ['python', 'docker']}},
  {name: 'author filter', query: {author: 'Data Team'}},
  {name: 'min score 70 + word', query: {text: 'pipeline', minScore: 70}},
  {name: 'min score 75 + word', query: {text: 'pipeline', minScore: 75}},
  {
    name: 'everything filtered',
    query: {text: 'data', category: 'ai_ml_engineer', tags: ['python'], minScore: 60},
  },
  {name: 'list all (page 1)', query: {}},
  {name: 'category by usage', query: {category: 'backend_developer', sort: 'usage'}},
  {name: 'category by score', query: {category: 'backend_developer', sort: 'score'}},
  {name: 'common word by updated', query: {text: 'service', sort: 'updated'}},
  {name: 'list all by usage', query: {sort: 'usage'}},
  {name: 'common word, page 5', query: {text: 'service', offset: 80}},
]

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)] as number
}

const round = (ms: number) => Math.round(ms * 1000) / 1000

/**
 * Builds a synthetic index and times searches against it.
 *
 * @example
 * ```ts
 * const result = await benchSearch({templates: 10_000, dbPath: 'bench/.work/search-10k.db'})
 * console.log(result.median, result.p99)
 * ```
 */
export async function benchSearch(options: BenchOptions): Promise<BenchResult> {
  const runs = options.runs ?? 200
  const target = await benchDatabase(options, resolve(options.dbPath))
  const db = createDb({url: target.url})
  try {
    await migrateToLatest(db)
    const index = new TemplateIndex(db)

    const started = performance.now()
    if (!target.reused) await seed(db, options.templates)
    const buildMs = target.reused ? 0 : performance.now() - started
    // The build leaves a large heap of garbage behind; collected now (with --expose-gc),
    // it is not collected during the first timed searches instead.
    ;(globalThis as {gc?: () => void}).gc?.()

    const namespaces = ['acme', 'public']
    const all: number[] = []
    const allCpu: number[] = []
    const queries: QueryTiming[] = []
    const shapes = QUERIES.filter((shape) => options.only === undefined || shape.name.includes(options.only))
    for (const {name, query} of shapes) {
      for (let i = 0; i < 10; i++) await index.search(namespaces, query)
      const times: number[] = []
      const cpu: number[] = []
      let total = 0
      for (let i = 0; i < runs; i++) {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        const result = await index.search(namespaces, query)
        times.push(performance.now() - t0)
        const used = process.cpuUsage(c0)
        cpu.push((used.user + used.system) / 1000)
        total = result.total
      }
      times.sort((a, b) => a - b)
      cpu.sort((a, b) => a - b)
      all.push(...times)
      allCpu.push(...cpu)
      queries.push({
        name,
        query,
        total,
        median: round(percentile(times, 50)),
        p99: round(percentile(times, 99)),
        cpuMedian: round(percentile(cpu, 50)),
        cpuP99: round(percentile(cpu, 99)),
      })
    }
    all.sort((a, b) => a - b)
    allCpu.sort((a, b) => a - b)
    return {
      templates: options.templates,
      buildMs: Math.round(buildMs),
      median: round(percentile(all, 50)),
      p99: round(percentile(all, 99)),
      max: round(all[all.length - 1] ?? 0),
      cpuMedian: round(percentile(allCpu, 50)),
      cpuP99: round(percentile(allCpu, 99)),
      queries,
    }
  } finally {
    await db.destroy()
    if (!options.keep) await target.drop()
  }
}

/** The database a run builds: a fresh SQLite file, or a fresh PostgreSQL schema. */
async function benchDatabase(
  options: BenchOptions,
  dbPath: string,
): Promise<{url: string; drop: () => Promise<void>; reused: boolean}> {
  if (options.postgresUrl === undefined) {
    mkdirSync(dirname(dbPath), {recursive: true})
    const drop = async () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, {force: true})
    }
    const reused = options.reuse === true && existsSync(dbPath)
    if (!reused) await drop()
    return {url: `sqlite:${dbPath}`, drop, reused}
  }
  const server = options.postgresUrl
  const schema = options.schema ?? `maestro_bench_${process.pid}_${randomUUID().slice(0, 8)}`
  const admin = async (statement: RawBuilder<unknown>) => {
    const db = createDb({url: server})
    try {
      await statement.execute(db)
    } finally {
      await db.destroy()
    }
  }
  const exists = async () => {
    const db = createDb({url: server})
    try {
      const {rows} = await sql<{n: string}>`
        SELECT count(*) AS n FROM information_schema.tables
        WHERE table_schema = ${schema} AND table_name = 'template_search'`.execute(db)
      return Number(rows[0]?.n) > 0
    } finally {
      await db.destroy()
    }
  }
  const reused = options.reuse === true && (await exists())
  if (!reused) {
    await admin(sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`)
    await admin(sql`CREATE SCHEMA ${sql.id(schema)}`)
  }
  const url = new URL(server)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: url.toString(),
    drop: () => admin(sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`),
    reused,
  }
}

/** Templates per bulk-load transaction. */
const SEED_BATCH = 5000

/**
 * Loads `count` synthetic templates the fast way: template rows and search rows in
 * multi-row statements, a transaction per SEED_BATCH, instead of one publish each.
 * Versions, files and blobs are left out: search reads only `templates` and the
 * search index. Usage counts are random, for sorting by usage.
 */
async function seed(db: Kysely<Database>, count: number): Promise<void> {
  const random = rng(42)
  const index = new TemplateIndex(db)
  for (const namespace of ['acme', 'globex', 'public']) await index.setNamespaceHead(namespace, null)
  const next = new Map(
    (await db.selectFrom('namespaces').select(['name', 'key']).execute()).map((row) => [
      row.name,
      seqRange(Number(row.key)).from,
    ]),
  )
  const backend = searchBackendFor(db)
  for (let start = 0; start < count; start += SEED_BATCH) {
    const rows: Insertable<Database['templates']>[] = []
    const docs: SearchDocument[] = []
    for (let i = start; i < Math.min(count, start + SEED_BATCH); i++) {
      const input = synthetic(i, random)
      const seq = next.get(input.namespace) as number
      next.set(input.namespace, seq + 1)
      const created = new Date(input.createdAt).toISOString()
      rows.push({
        seq,
        id: randomUUID(),
        namespace: input.namespace,
        name: input.manifest.name,
        category: input.manifest.category,
        description: input.manifest.description,
        author: input.manifest.author,
        tags: JSON.stringify(input.manifest.tags ?? []),
        latest_version: input.manifest.version,
        latest_version_id: randomUUID(),
        quality_score: input.qualityScore ?? null,
        usage_count: Math.floor(random() * 1000),
        created_at: created,
        updated_at: created,
      })
      docs.push(
        searchDocument(seq, input.namespace, input.manifest, input.readme, input.qualityScore ?? null),
      )
    }
    await runTransaction(db, async (trx) => {
      for (const batch of chunks(rows, 500)) await trx.insertInto('templates').values(batch).execute()
      await backend.insertMany(trx, docs)
    })
  }
  // Fresh statistics for the planner (and, on PostgreSQL, GIN's pending list merged
  // and the visibility map set), as a database that has been running a while has.
  if (dialectOf(db) === 'postgres') await sql`VACUUM ANALYZE`.execute(db)
  else await sql`ANALYZE`.execute(db)
}

async function main(argv: readonly string[]): Promise<void> {
  const arg = (flag: string) => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const templates = Number(arg('--templates') ?? 10_000)
  const dbPath = arg('--db') ?? `bench/.work/search-${templates}.db`
  const postgresUrl = arg('--postgres') ?? process.env.MAESTRO_BENCH_POSTGRES_URL
  const result = await benchSearch({
    templates,
    dbPath,
    ...(postgresUrl ? {postgresUrl} : {}),
    runs: Number(arg('--runs') ?? 200),
    // --reuse times the index a run with --keep left (same --db, or same --schema).
    keep: argv.includes('--keep') || argv.includes('--reuse'),
    reuse: argv.includes('--reuse'),
    ...(arg('--schema') ? {schema: arg('--schema') as string} : {}),
    ...(arg('--only') ? {only: arg('--only') as string} : {}),
  })
  const build = result.buildMs === 0 ? 'reused' : `${(result.buildMs / 1000).toFixed(1)} s`
  console.log(`${postgresUrl ? 'PostgreSQL' : 'SQLite'}, templates: ${result.templates}, build: ${build}`)
  console.log(`all searches, wall: median ${result.median} ms, p99 ${result.p99} ms, max ${result.max} ms`)
  console.log(`all searches, cpu:  median ${result.cpuMedian} ms, p99 ${result.cpuP99} ms`)
  console.table(
    result.queries.map((q) => ({
      query: q.name,
      hits: q.total,
      'wall p50': q.median,
      'wall p99': q.p99,
      'cpu p50': q.cpuMedian,
      'cpu p99': q.cpuP99,
    })),
  )
}

const entry = process.argv[1]
if (entry && existsSync(entry) && import.meta.url === pathToFileURL(entry).href) {
  await main(process.argv.slice(2))
}
