/**
 * Search on PostgreSQL: `template_search` (migration 2026_12_01_0001) holds three
 * tsvectors per template, built here from the tokens SQLite's FTS5 table indexes
 * (`searchTokens`), so both dialects find the same templates for the same query. A
 * namespace is a `seq` range (src/db/keys.ts); category, tags, author and score are
 * tokens of the `filters` vector, the same tokens as SQLite's `filters` column (marked
 * with `~`, see `filterLexeme`), and of the document vector too, so that text and
 * filters are one condition on one GIN index.
 *
 * Weights. FTS5 weighs six columns (COLUMN_WEIGHTS: name 10, tags 5, category 3,
 * description 2, README 1, author 1); a tsvector has four weights, each at most 1:
 *
 * | column | SQLite | tsvector weight | value |
 * | --- | ---: | :---: | ---: |
 * | name | 10 | A | 1.0 |
 * | tags, category | 5, 3 | B | 0.5 |
 * | description, author | 2, 1 | C | 0.2 |
 * | README | 1 | D | 0.1 |
 *
 * Author sits with the description (not with the README) so that the metadata tier is
 * exactly "weights A to C" and the README alone is D.
 *
 * Ranking is `ts_rank` with these weights and length normalisation 1 (rank divided by
 * 1 + the logarithm of the document length), tiered as on SQLite: templates whose
 * metadata holds every word first, ranked over their metadata vector; README-only
 * matches after, ranked over the whole document. Unlike bm25, `ts_rank` looks at one
 * document only (no corpus statistics), so a rank says nothing about other tenants'
 * templates. Orders within a tier differ from SQLite's where bm25's document
 * frequencies would decide; the matches, the totals and the tiers are the same.
 */
import {sql} from 'kysely'
import type {Kysely, RawBuilder} from 'kysely'

import type {SearchSort} from '../../domain/registry.js'
import {namespaceKeys, seqRange} from '../keys.js'
import {chunks, SUMMARY_COLUMNS, toSummary} from '../rows.js'
import type {SummaryRow} from '../rows.js'
import type {Database} from '../schema.js'
import type {BackendQuery, BackendResult, SearchBackend, SearchDocument} from './backend.js'
import {countRows, pastTheEnd} from './count.js'
import type {Counted} from './count.js'
import {orderBy} from './order.js'
import {summaries, visible} from './summaries.js'
import {
  COLUMN_WEIGHTS,
  filterGroups,
  filterTokens,
  parseQueryWords,
  scoreFilter,
  searchTokens,
} from './query.js'
import type {QueryWord, SearchFilters} from './query.js'

type Weight = 'A' | 'B' | 'C' | 'D'

/** The tsvector weight of each text column (see the table above). */
const COLUMN_WEIGHT_CLASS = {
  name: 'A',
  tags: 'B',
  category: 'B',
  description: 'C',
  author: 'C',
  readme: 'D',
} as const satisfies Record<string, Weight>

/**
 * `ts_rank`'s weight array, in its order {D, C, B, A}: each class weighs its heaviest
 * column's FTS5 weight, relative to the name's.
 */
const RANK_WEIGHTS = (() => {
  const fts = {name: 0, tags: 1, category: 2, description: 3, readme: 4, author: 5} as const
  const top = COLUMN_WEIGHTS[fts.name]
  const value = (weight: Weight) =>
    Math.max(
      ...Object.entries(COLUMN_WEIGHT_CLASS)
        .filter(([, w]) => w === weight)
        .map(([column]) => COLUMN_WEIGHTS[fts[column as keyof typeof fts]]),
    ) / top
  return sql.raw(`'{${(['D', 'C', 'B', 'A'] as const).map(value).join(', ')}}'::real[]`)
})()

/** ts_rank normalisation: divide by 1 + log(document length), as bm25 discounts long documents. */
const RANK_NORMALIZATION = sql.raw('1')

/** Marks filter lexemes apart from words (see `filterLexeme`; migration 2026_12_01_0005 wrote it too). */
const FILTER_MARK = '~'

/** tsvector positions stop at 16383; later words keep the last position. */
const MAX_POSITION = 16_383
/** tsvector keeps at most 256 positions per lexeme. */
const MAX_POSITIONS_PER_LEXEME = 256

/** As on SQLite: the README's beginning says what the template is. */
const README_INDEXED_CHARS = 16_000

const COLUMNS = sql.join(SUMMARY_COLUMNS.map((column) => sql.ref(`t.${column}`)))

type Result = BackendResult
type ListSort = Exclude<SearchSort, 'relevance'>

export class PostgresSearch implements SearchBackend {
  async write(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void> {
    await this.#insert(db, docs, true)
  }

  async insertMany(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void> {
    await this.#insert(db, docs, false)
  }

  /** One statement per 1,000 rows (one array parameter per column); `replace` rewrites rows that exist. */
  async #insert(db: Kysely<Database>, docs: readonly SearchDocument[], replace: boolean): Promise<void> {
    for (const batch of chunks(docs, 1000)) {
      const rows = batch.map(searchRow)
      await sql`
        INSERT INTO template_search (seq, document, metadata, filters)
        SELECT * FROM unnest(${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.document)}::tsvector[],
                             ${rows.map((r) => r.metadata)}::tsvector[], ${rows.map((r) => r.filters)}::tsvector[])
        ${replace ? sql`ON CONFLICT (seq) DO UPDATE SET document = excluded.document, metadata = excluded.metadata, filters = excluded.filters` : sql``}
      `.execute(db)
    }
  }

  async search(db: Kysely<Database>, q: BackendQuery): Promise<Result> {
    const spaces = await namespaceKeys(db, q.namespaces)
    if (spaces.length === 0) return {items: [], total: 0, totalExact: true}
    const text = textQuery(parseQueryWords(q.text))
    const filters = filterQuery(q)
    // Between whole numbers the score tokens only narrow the set; the score decides.
    const check = q.minScore !== undefined && !scoreFilter(q.minScore).exact ? q.minScore : undefined
    const ranges = sql.join(
      spaces.map((space) => {
        const {from, to} = seqRange(Number(space.key))
        return sql`(s.seq >= ${from} AND s.seq < ${to})`
      }),
      sql` OR `,
    )
    const conditions: RawBuilder<unknown>[] = [sql`(${ranges})`]
    if (check !== undefined) conditions.push(sql`t.quality_score >= ${check}`)
    // Tested row by row on the (small) filters vector of rows the rest already chose.
    if (q.excludeCategory !== undefined)
      conditions.push(sql`NOT (s.filters @@ ${filterQuery({category: q.excludeCategory})}::tsquery)`)
    const scope = sql.join(conditions, sql` AND `)
    // The templates are joined only where their columns are needed.
    const from = check === undefined ? SEARCH_ONLY : WITH_TEMPLATES
    const sort = q.sort === 'relevance' ? 'name' : q.sort

    if (text === undefined) {
      if (filters === undefined && check === undefined) return this.#listAll(db, q, sort)
      const where = filters === undefined ? scope : sql`${scope} AND s.filters @@ ${filters}::tsquery`
      return this.#listMatches(db, q, from, where, sort)
    }
    // The document vector carries the filter tokens too, so text and filters are one
    // condition that one GIN index answers (tested row by row instead, the document
    // would be unpacked from TOAST for every row the filters let through).
    const match = filters === undefined ? text : `(${text}) & ${filters}`
    if (q.sort === 'relevance')
      return withIndexScans(db, (trx) => this.#ranked(trx, q, from, scope, text, match, filters))
    const where = sql`${scope} AND s.document @@ ${match}::tsquery`
    return withIndexScans(db, (trx) => this.#listMatches(trx, q, from, where, sort))
  }

  /**
   * Text queries, best first, in the tiers described at the top of this file. `match`
   * is `text` with the `filters`; ranks are computed over `text` alone.
   *
   * The head's page comes first, with the head's size (a window count: ranking visits
   * every head row anyway). A head larger than the count's cap answers the total, so a
   * word most templates hold is never counted over the whole document index; otherwise
   * the matches are counted, and the tail ranked only when the page reaches it, so a
   * common word does not rank every README that holds it.
   */
  async #ranked(
    db: Kysely<Database>,
    q: BackendQuery,
    from: RawBuilder<unknown>,
    scope: RawBuilder<unknown>,
    text: string,
    match: string,
    filters: string | undefined,
  ): Promise<Result> {
    if (q.limit === 0)
      return {
        items: [],
        ...(await countRows(db, from, sql`${scope} AND s.document @@ ${match}::tsquery`, q.countUpTo)),
      }
    const query = sql`${text}::tsquery`
    const headScore = sql`ts_rank(${RANK_WEIGHTS}, s.metadata, ${query}, ${RANK_NORMALIZATION})`
    // Metadata is part of the document: the head needs no look at the (large) document.
    // Its vector stays small, and the filters' (smaller still) is tested beside it.
    const withFilters = filters === undefined ? sql`` : sql` AND s.filters @@ ${filters}::tsquery`
    const head = sql`${scope} AND s.metadata @@ ${query}${withFilters}`
    // The window counts (seq, score) pairs. OFFSET 0 keeps the planner from pulling the
    // rank above the window, which would then hold whole rows (and spill them to disk).
    const {rows} = await sql<Hit & {head: string}>`
      SELECT seq, score, count(*) OVER () AS head
      FROM (SELECT s.seq, ${headScore} AS score FROM ${from} WHERE ${head} OFFSET 0) AS h
      ORDER BY score DESC, seq LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    const hits: Hit[] = rows.map(({seq, score}) => ({seq, score}))
    // No row at offset 0: the head is empty. Past it, only a count says where it ended.
    const headCount =
      rows.length > 0 ? Number(rows[0]?.head) : q.offset === 0 ? 0 : (await countRows(db, from, head)).total

    const where = sql`${scope} AND s.document @@ ${match}::tsquery`
    const counted: Counted =
      q.countUpTo !== undefined && headCount > q.countUpTo
        ? {total: q.countUpTo, totalExact: false}
        : await countRows(db, from, where, q.countUpTo)
    if (hits.length < q.limit && (!counted.totalExact || headCount < counted.total)) {
      const tailScore = sql`ts_rank(${RANK_WEIGHTS}, s.document, ${query}, ${RANK_NORMALIZATION})`
      // Row by row, on rows that already match the filters.
      const inHead = sql`s.metadata @@ ${query}`
      const {rows: tail} = await sql<Hit>`
        SELECT s.seq, ${tailScore} AS score FROM ${from} WHERE ${where} AND NOT (${inHead})
        ORDER BY score DESC, s.seq
        LIMIT ${q.limit - hits.length} OFFSET ${Math.max(0, q.offset - headCount)}`.execute(db)
      hits.push(...tail)
    }
    return {
      items: await summaries(
        db,
        q.namespaces,
        hits.map(({seq, score}) => ({seq, rank: Number(score)})),
      ),
      ...counted,
    }
  }

  /** Filters, or text sorted other than by relevance: the matches in `sort` order. */
  async #listMatches(
    db: Kysely<Database>,
    q: BackendQuery,
    from: RawBuilder<unknown>,
    where: RawBuilder<unknown>,
    sort: ListSort,
  ): Promise<Result> {
    const counted = await countRows(db, from, where, q.countUpTo)
    if (pastTheEnd(q, counted)) return {items: [], ...counted}
    const {rows} = await sql<SummaryRow>`
      SELECT ${COLUMNS} FROM ${WITH_TEMPLATES} WHERE ${where}
      ORDER BY ${orderBy(sort, 'postgres')} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    return {items: visible(q.namespaces, rows).map((row) => ({...toSummary(row), rank: 0})), ...counted}
  }

  /** No text, no filter: every template of the namespaces, in `sort` order. */
  async #listAll(db: Kysely<Database>, q: BackendQuery, sort: ListSort): Promise<Result> {
    const scope =
      q.excludeCategory === undefined
        ? sql`t.namespace IN (${sql.join(q.namespaces)})`
        : sql`t.namespace IN (${sql.join(q.namespaces)}) AND t.category <> ${q.excludeCategory}`
    const counted = await countRows(db, sql`templates AS t`, scope, q.countUpTo)
    if (pastTheEnd(q, counted)) return {items: [], ...counted}
    const {rows} = await sql<SummaryRow>`
      SELECT ${COLUMNS} FROM templates AS t WHERE ${scope}
      ORDER BY ${orderBy(sort, 'postgres')} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db)
    return {items: rows.map((row) => ({...toSummary(row), rank: 0})), ...counted}
  }
}

type Hit = {seq: string | number; score: number}

/**
 * Runs `fn` with the planner told what a text match costs. Testing `document @@ query`
 * row by row unpacks the row's (large, TOASTed) document vector; the GIN index answers
 * plain words and prefixes without looking at the rows. The planner counts neither, so
 * for a word most templates hold it would read the whole table, and with a filter it
 * would take the filter's index and test the text row by row: ten to twenty times
 * slower. Sequential scans off and a tenfold operator cost keep the text and the
 * filters in their indexes (a BitmapAnd). No parallel workers: starting them costs
 * more than the few thousand rows a capped count or a page reads, and a search
 * running beside others on the server would only take their cores. One statement sets
 * all three (each is a round trip). (Inside a caller's transaction the settings would
 * outlive the search: they are skipped there.)
 */
async function withIndexScans<T>(db: Kysely<Database>, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db)
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('enable_seqscan', 'off', true), set_config('cpu_operator_cost', '0.025', true),
                     set_config('max_parallel_workers_per_gather', '0', true)`.execute(trx)
    return fn(trx)
  })
}

const SEARCH_ONLY = sql`template_search AS s`
/** Search rows with their templates (the exact score check and the listings need both). */
const WITH_TEMPLATES = sql`template_search AS s JOIN templates AS t ON t.seq = s.seq`

/** The three tsvectors (as literals) of one template's search row. */
function searchRow(doc: SearchDocument): {seq: number; document: string; metadata: string; filters: string} {
  const metadata: Field[] = [
    {text: doc.name, weight: COLUMN_WEIGHT_CLASS.name},
    {text: doc.tags.join(' '), weight: COLUMN_WEIGHT_CLASS.tags},
    {text: doc.category, weight: COLUMN_WEIGHT_CLASS.category},
    {text: doc.description, weight: COLUMN_WEIGHT_CLASS.description},
    {text: doc.author, weight: COLUMN_WEIGHT_CLASS.author},
  ]
  const readme = {text: doc.readme.slice(0, README_INDEXED_CHARS), weight: COLUMN_WEIGHT_CLASS.readme}
  // Without positions: they match, but a rank over the text's words never counts them.
  const filters = filterTokens(doc)
    .map((token) => quoteLexeme(filterLexeme(token)))
    .join(' ')
  return {
    seq: doc.seq,
    document: `${tsvector([...metadata, readme])} ${filters}`,
    metadata: tsvector(metadata),
    filters,
  }
}

/**
 * A filter token as a lexeme: marked with a character no text token holds (text tokens
 * are runs of letters and digits), since the document and metadata vectors carry the
 * filter tokens beside the words: a search for "qs6" must not find every template
 * whose score token is `qs60`.
 */
function filterLexeme(token: string): string {
  return `${FILTER_MARK}${token}`
}

interface Field {
  text: string
  weight: Weight
}

/**
 * A tsvector literal of `fields`: every token with its positions and the field's
 * weight. Positions run on across fields with a gap between them, so a phrase never
 * spans two columns (as in FTS5, where columns are separate).
 *
 * @example
 * ```ts
 * tsvector([{text: 'fastapi-service', weight: 'A'}, {text: 'api', weight: 'B'}])
 * // "'api':4B 'fastapi':1A 'service':2A"
 * ```
 */
export function tsvector(fields: readonly Field[]): string {
  const lexemes = new Map<string, string[]>()
  let position = 1
  for (const field of fields) {
    const suffix = field.weight === 'D' ? '' : field.weight
    for (const token of searchTokens(field.text)) {
      const at = `${Math.min(position, MAX_POSITION)}${suffix}`
      position += 1
      const positions = lexemes.get(token)
      if (!positions) lexemes.set(token, [at])
      else if (positions.length < MAX_POSITIONS_PER_LEXEME && positions[positions.length - 1] !== at)
        positions.push(at)
    }
    position += 1
  }
  return [...lexemes].map(([token, positions]) => `${quoteLexeme(token)}:${positions.join(',')}`).join(' ')
}

/**
 * The tsquery of a text: words ANDed, a word of several tokens as a phrase (`<->`),
 * the last token of a prefix word as a prefix (`:*`). Undefined without words.
 *
 * @example
 * ```ts
 * textQuery(parseQueryWords('docker fastapi-serv')) // "'docker' & ('fastapi' <-> 'serv':*)"
 * ```
 */
export function textQuery(words: readonly QueryWord[]): string | undefined {
  const parts = words
    .filter((word) => word.tokens.length > 0)
    .map((word) => {
      const last = word.tokens.length - 1
      const lexemes = word.tokens.map(
        (token, i) => quoteLexeme(token) + (word.prefix && i === last ? ':*' : ''),
      )
      return lexemes.length === 1 ? (lexemes[0] as string) : `(${lexemes.join(' <-> ')})`
    })
  return parts.length === 0 ? undefined : parts.join(' & ')
}

/** The tsquery of the filters (see `filterGroups`), undefined without filters. */
function filterQuery(q: SearchFilters): string | undefined {
  const groups = filterGroups(q).map((group) => {
    const lexemes = group.map((token) => quoteLexeme(filterLexeme(token)))
    return lexemes.length === 1 ? (lexemes[0] as string) : `(${lexemes.join(' | ')})`
  })
  return groups.length === 0 ? undefined : groups.join(' & ')
}

/** A lexeme quoted for tsvector and tsquery input: taken as it is, never parsed. */
function quoteLexeme(token: string): string {
  return `'${token.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}
