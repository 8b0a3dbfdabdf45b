/**
 * Search on SQLite: one FTS5 table, `templates_fts`, whose rowids are `templates.seq`.
 * A namespace is a rowid range (src/db/keys.ts); category, tags, author and score are
 * tokens of the `filters` column (query.ts). bm25 computes each phrase's document
 * frequency by walking its posting list on every query, so the namespace, which would
 * be the longest list of all, is kept out of the MATCH.
 */
import {sql} from 'kysely'
import type {Kysely, RawBuilder} from 'kysely'

import type {SearchHit, SearchSort} from '../../domain/registry.js'
import {namespaceKeys, seqRange} from '../keys.js'
import {chunks, SUMMARY_COLUMNS, toSummary} from '../rows.js'
import type {SummaryRow} from '../rows.js'
import type {Database} from '../schema.js'
import type {BackendQuery, BackendResult, SearchBackend, SearchDocument} from './backend.js'
import {countRows, pastTheEnd} from './count.js'
import type {Counted} from './count.js'
import {orderBy} from './order.js'
import {summaries} from './summaries.js'
import {COLUMN_WEIGHTS, filterMatch, filtersText, scoreFilter, textMatch} from './query.js'

const BM25 = sql.raw(`bm25(f.templates_fts, ${COLUMN_WEIGHTS.map((w) => w.toFixed(1)).join(', ')})`)
const COLUMNS = sql.join(SUMMARY_COLUMNS.map((column) => sql.ref(`t.${column}`)))

/** Up to this many matches, a listing sorts them; beyond, it walks its sort's index. */
const SORT_AT_MOST = 2000

/**
 * The index that holds the templates in each listing order (src/db/search/order.ts).
 * Walking it and keeping the matches stops after one page; when matches are few, it
 * would walk far before finding a page, and sorting them is cheaper.
 */
const SORT_INDEX: Record<ListSort, RawBuilder<unknown>> = {
  name: sql.raw('templates_name_namespace'),
  usage: sql.raw('templates_usage'),
  score: sql.raw('templates_score'),
  updated: sql.raw('templates_updated'),
}

/** Up to this many matches, a text query ranks them all in one statement. */
const ONE_PASS_AT_MOST = 1000

type Space = {name: string; key: number}
type ListSort = Exclude<SearchSort, 'relevance'>
type Result = BackendResult

/**
 * How much of a README is indexed. Its beginning says what the template is; indexing
 * the rest would grow the index and slow ranking for little gain in relevance.
 */
const README_INDEXED_CHARS = 16_000

export class SqliteSearch implements SearchBackend {
  async write(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void> {
    // A contentless FTS5 table cannot update a row in place: replace them.
    for (const batch of chunks(docs, 500)) {
      await sql`DELETE FROM templates_fts WHERE rowid IN (${sql.join(batch.map((doc) => doc.seq))})`.execute(
        db,
      )
    }
    await this.insertMany(db, docs)
  }

  async insertMany(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void> {
    for (const batch of chunks(docs, 500)) {
      const rows = batch.map(
        (doc) =>
          sql`(${doc.seq}, ${doc.name}, ${doc.tags.join(' ')}, ${doc.category}, ${doc.description},
               ${doc.readme.slice(0, README_INDEXED_CHARS)}, ${doc.author}, ${filtersText(doc)})`,
      )
      await sql`
        INSERT INTO templates_fts (rowid, name, tags, category, description, readme, author, filters)
        VALUES ${sql.join(rows)}`.execute(db)
    }
  }

  async search(db: Kysely<Database>, q: BackendQuery): Promise<Result> {
    const spaces = await namespaceKeys(db, q.namespaces)
    if (spaces.length === 0) return {items: [], total: 0, totalExact: true}
    const text = textMatch(q.text)
    const filters = filterMatch(q)
    // Between whole numbers the score tokens only narrow the set; the score decides.
    const check = q.minScore !== undefined && !scoreFilter(q.minScore).exact ? q.minScore : undefined
    const scan = new Scan(spaces, check, q.excludeCategory)
    if (text !== undefined && q.sort === 'relevance') return this.#ranked(db, q, scan, text, filters)
    const sort = q.sort === 'relevance' ? 'name' : q.sort
    const match =
      text === undefined ? filters : filters === undefined ? text.all : `${filters} AND ${text.all}`
    if (match !== undefined) return this.#listMatches(db, q, scan, match, sort)
    return this.#listAll(db, q, sort)
  }

  /**
   * Text queries. Templates whose metadata (name, tags, category, description, author)
   * holds every word come first, then those that needed the README; bm25 with the
   * column weights orders each tier. Besides being what a user expects, the tiers keep
   * the cost down: bm25 is the expensive part of a search, and for a common word
   * most matches are README-only and are only ranked when a page reaches them.
   */
  async #ranked(
    db: Kysely<Database>,
    q: BackendQuery,
    scan: Scan,
    text: {all: string; metadata: string},
    filters: string | undefined,
  ): Promise<Result> {
    const and = (part: string) => (filters === undefined ? part : `${filters} AND ${part}`)
    const all = scan.where(and(text.all))
    const counted = await scan.count(db, all, q.countUpTo)
    if (counted.total === 0 || pastTheEnd(q, counted)) return {items: [], ...counted}

    if (counted.totalExact && counted.total <= ONE_PASS_AT_MOST) {
      // Few matches: rank them all in one statement, the tier as the first sort key.
      // Each ranking statement pays for bm25's statistics, so one beats two here. The
      // tier's set carries the filters too: a common word alone would fill it with
      // every template that says it.
      const inHead = sql`f.rowid IN (SELECT rowid FROM templates_fts WHERE templates_fts MATCH ${and(text.metadata)})`
      return {items: await ranked(db, q, await scan.rank(db, all, q.limit, q.offset, inHead)), ...counted}
    }

    const head = scan.where(and(text.metadata))
    const hits = await scan.rank(db, head, q.limit, q.offset)
    if (hits.length < q.limit) {
      // The head ran out on this page (or before it): the tail continues where it ended.
      const inHead = hits.length > 0 ? q.offset + hits.length : (await scan.count(db, head)).total
      if (!counted.totalExact || inHead < counted.total) {
        const tail = scan.where(`(${and(text.all)}) NOT ${text.metadata}`)
        const offset = Math.max(0, q.offset - inHead)
        hits.push(...(await scan.rank(db, tail, q.limit - hits.length, offset)))
      }
    }
    return {items: await ranked(db, q, hits), ...counted}
  }

  /** Filters (or text sorted other than by relevance): the matching rows, in `sort` order. */
  async #listMatches(
    db: Kysely<Database>,
    q: BackendQuery,
    scan: Scan,
    match: string,
    sort: ListSort,
  ): Promise<Result> {
    const where = scan.where(match)
    const counted = await scan.count(db, where, q.countUpTo)
    if (pastTheEnd(q, counted)) return {items: [], ...counted}
    const matches = sql`SELECT f.rowid AS seq FROM ${scan.from} WHERE ${where}`
    const scope = sql`t.namespace IN (${sql.join(q.namespaces)})`
    const order = orderBy(sort, 'sqlite')
    const page =
      counted.totalExact && counted.total <= SORT_AT_MOST
        ? sql<SummaryRow>`
            SELECT ${COLUMNS} FROM (${matches}) AS m CROSS JOIN templates AS t ON t.seq = m.seq
            WHERE ${scope} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`
        : sql<SummaryRow>`
            SELECT ${COLUMNS} FROM templates AS t INDEXED BY ${SORT_INDEX[sort]}
            WHERE t.seq IN (${matches}) AND ${scope}
            ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`
    const {rows} = await page.execute(db)
    return {items: rows.map((row) => ({...toSummary(row), rank: 0})), ...counted}
  }

  /** No text, no filter: every template of the namespaces, in `sort` order. */
  async #listAll(db: Kysely<Database>, q: BackendQuery, sort: ListSort): Promise<Result> {
    const scope =
      q.excludeCategory === undefined
        ? sql`t.namespace IN (${sql.join(q.namespaces)})`
        : sql`t.namespace IN (${sql.join(q.namespaces)}) AND t.category <> ${q.excludeCategory}`
    const counted = await countRows(db, sql`templates AS t`, scope, q.countUpTo)
    if (pastTheEnd(q, counted)) return {items: [], ...counted}
    // Few rows: the (namespace, name) index finds them, a sort orders them. Many: walk
    // the sort's index and stop after the page.
    const table =
      counted.totalExact && counted.total <= SORT_AT_MOST
        ? sql`templates AS t`
        : sql`templates AS t INDEXED BY ${SORT_INDEX[sort]}`
    const {rows} = await sql<SummaryRow>`
      SELECT ${COLUMNS} FROM ${table} WHERE ${scope}
      ORDER BY ${orderBy(sort, 'sqlite')} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    return {items: rows.map((row) => ({...toSummary(row), rank: 0})), ...counted}
  }
}

/** The summaries of bm25 hits: bm25 is lower for better matches, a rank higher. */
function ranked(
  db: Kysely<Database>,
  q: BackendQuery,
  hits: readonly {seq: number; score: number}[],
): Promise<SearchHit[]> {
  return summaries(
    db,
    q.namespaces,
    hits.map(({seq, score}) => ({seq, rank: -score})),
  )
}

/**
 * The FROM and WHERE of matches within the namespaces' rowid ranges, with the exact
 * score check when the tokens cannot decide it. One statement covers every namespace
 * so bm25 gathers its statistics once.
 */
class Scan {
  readonly from: RawBuilder<unknown>
  readonly #ranges: RawBuilder<unknown>
  readonly #check: number | undefined
  readonly #exclude: RawBuilder<unknown> | undefined

  constructor(spaces: readonly Space[], check: number | undefined, excludeCategory?: string) {
    this.#check = check
    // The excluded category's rows, found once by their filter token (a handful: workflows).
    this.#exclude =
      excludeCategory === undefined
        ? undefined
        : sql`f.rowid NOT IN (SELECT rowid FROM templates_fts WHERE templates_fts MATCH ${filterMatch({category: excludeCategory})})`
    this.from =
      check === undefined
        ? sql`templates_fts AS f`
        : sql`templates_fts AS f CROSS JOIN templates AS s ON s.seq = f.rowid`
    const ranges = spaces.map((space) => {
      const {from, to} = seqRange(space.key)
      return sql`(f.rowid >= ${from} AND f.rowid < ${to})`
    })
    // A single range goes to FTS5 as a seek; several are tested row by row, which
    // costs little next to ranking.
    this.#ranges =
      ranges.length === 1 ? (ranges[0] as RawBuilder<unknown>) : sql`(${sql.join(ranges, sql` OR `)})`
  }

  where(match: string): RawBuilder<unknown> {
    let base = sql`f.templates_fts MATCH ${match} AND ${this.#ranges}`
    if (this.#exclude !== undefined) base = sql`${base} AND ${this.#exclude}`
    return this.#check === undefined ? base : sql`${base} AND s.quality_score >= ${this.#check}`
  }

  /** Matches of `where`, counted up to `countUpTo` (all when undefined). */
  count(db: Kysely<Database>, where: RawBuilder<unknown>, countUpTo?: number): Promise<Counted> {
    return countRows(db, this.from, where, countUpTo)
  }

  /** Best matches first by bm25, after `first` (a boolean expression) when given. */
  async rank(
    db: Kysely<Database>,
    where: RawBuilder<unknown>,
    limit: number,
    offset: number,
    first?: RawBuilder<unknown>,
  ): Promise<{seq: number; score: number}[]> {
    const tier = first === undefined ? sql`` : sql`${first} DESC,`
    const {rows} = await sql<{seq: number; score: number}>`
      SELECT f.rowid AS seq, ${BM25} AS score FROM ${this.from} WHERE ${where}
      ORDER BY ${tier} score, f.rowid LIMIT ${limit} OFFSET ${offset}`.execute(db)
    return rows
  }
}
