/**
 * FTS5 query text, built only from quoted strings: user input never reaches the
 * query parser as syntax, so `"`, `*`, `AND`, `NEAR(`, `-`, `:` and parentheses are
 * just characters inside a word, which the tokenizer then treats as separators.
 */
import {createHash} from 'node:crypto'

/** Columns holding words a user searches for, in the order of the FTS table. */
export const TEXT_COLUMNS = ['name', 'tags', 'category', 'description', 'readme', 'author'] as const

/**
 * bm25 weight per FTS column, in table order (name, tags, category, description,
 * readme, author, filters). A hit in the name counts ten times a hit in the README;
 * the filter tokens never contribute to relevance.
 */
export const COLUMN_WEIGHTS = [10, 5, 3, 2, 1, 1, 0] as const

/** Quality-score thresholds with their own filter token: `qs70` means "score ≥ 70". */
const SCORE_STEP = 10

/** Words after this many are ignored: they cannot make a useful query better. */
export const MAX_WORDS = 16
/** A longer word is cut: no indexed token is that long. */
export const MAX_WORD_LENGTH = 64

export type FilterKind = 'category' | 'tag' | 'author'

const FILTER_PREFIX: Readonly<Record<FilterKind, string>> = {category: 'ca', tag: 'tg', author: 'au'}

/** Values longer than this (in UTF-8 bytes) are hashed rather than hex-encoded. */
const MAX_PLAIN_FILTER_BYTES = 48

/**
 * The index token standing for "this row has `kind` = `value`". Hex keeps every value,
 * whatever its characters, a single lowercase alphanumeric token that the unicode61
 * tokenizer neither splits nor folds; the two-letter prefix keeps kinds apart. Tags and
 * authors compare case-insensitively, categories exactly. (Namespaces are not tokens:
 * they are rowid ranges, see src/db/keys.ts.)
 *
 * @example
 * ```ts
 * filterToken('category', 'qa_engineer') // 'ca71615f656e67696e656572'
 * filterToken('author', ' Maestro  Team ') === filterToken('author', 'maestro team') // true
 * ```
 */
export function filterToken(kind: FilterKind, value: string): string {
  const bytes = Buffer.from(normalizeFilterValue(kind, value), 'utf8')
  // 'h' is not a hex digit, so hashed and plain tokens never collide.
  const body =
    bytes.length <= MAX_PLAIN_FILTER_BYTES
      ? bytes.toString('hex')
      : `h${createHash('sha256').update(bytes).digest('hex')}`
  return FILTER_PREFIX[kind] + body
}

function normalizeFilterValue(kind: FilterKind, value: string): string {
  const nfc = value.normalize('NFC')
  if (kind === 'tag' || kind === 'author') return nfc.trim().replace(/\s+/gu, ' ').toLowerCase()
  return nfc
}

/**
 * Score tokens of a template: `qs<t>` for every multiple of ten up to its score, and
 * `qv<n>` for the integer part of the score. Any whole-number minimum is then a few
 * ORed tokens, answered by the index alone (see `scoreFilter`).
 */
function scoreTokens(score: number | null): string[] {
  if (score === null || !Number.isFinite(score) || score < 0) return []
  const tokens = [`qv${Math.floor(score)}`]
  for (let t = 0; t <= Math.min(score, 100); t += SCORE_STEP) tokens.push(`qs${t}`)
  return tokens
}

/**
 * How the index answers `quality_score >= minScore`: score tokens of which a template
 * must hold at least one, rendered as a MATCH clause; `exact` when they select
 * precisely those templates (whole numbers from 0 to 100); otherwise they narrow and
 * the caller must still compare the score.
 *
 * @example
 * ```ts
 * scoreFilter(70) // {match: '"qs70"', anyOf: ['qs70'], exact: true}
 * scoreFilter(73) // {match: '("qs80" OR "qv73" OR … "qv79")', anyOf: ['qs80', 'qv73', …], exact: true}
 * scoreFilter(72.5) // like 72, exact: false
 * ```
 */
export function scoreFilter(minScore: number): {match: string; anyOf: string[]; exact: boolean} {
  const from = Math.min(100, Math.max(0, Math.floor(minScore)))
  const exact = from === minScore
  const ten = Math.ceil(from / SCORE_STEP) * SCORE_STEP
  const anyOf = [`qs${ten}`, ...Array.from({length: ten - from}, (_, i) => `qv${from + i}`)]
  const quoted = anyOf.map(quoteTerm)
  return {match: quoted.length === 1 ? (quoted[0] as string) : `(${quoted.join(' OR ')})`, anyOf, exact}
}

/** The filter tokens of one template (see `filterToken` and `scoreTokens`). */
export function filterTokens(doc: {
  category: string
  tags: readonly string[]
  author: string
  qualityScore: number | null
}): string[] {
  return [
    filterToken('category', doc.category),
    ...doc.tags.map((tag) => filterToken('tag', tag)),
    filterToken('author', doc.author),
    ...scoreTokens(doc.qualityScore),
  ]
}

/** The `filters` column text of one template. */
export function filtersText(doc: Parameters<typeof filterTokens>[0]): string {
  return filterTokens(doc).join(' ')
}

/** A string literal in FTS5 syntax: tokenized as a phrase, never parsed as operators. */
export function quoteTerm(text: string): string {
  return `"${text.replaceAll('"', '""')}"`
}

/**
 * The last word is a prefix only from this many letters: shorter ones match much of the
 * vocabulary (slowly, and mostly noise), and two-letter words such as `ai`, `ml`, `go`
 * or `ui` are better matched whole.
 */
export const MIN_PREFIX_LENGTH = 3

const WORD_CHAR = /[\p{L}\p{N}]/u
const WORD_RUNS = /[\p{L}\p{N}]+/gu

/** Columns that describe a template, as opposed to its README. */
export const METADATA_COLUMNS = ['name', 'tags', 'category', 'description', 'author'] as const

/** One word of a query: its text, the tokens it splits into, and whether it is a prefix. */
export interface QueryWord {
  /** The word as typed (NFC, control characters removed, at most MAX_WORD_LENGTH characters). */
  text: string
  /** Its index tokens (see `searchTokens`): a word of several tokens matches them side by side. */
  tokens: string[]
  /** Only the last word, and only when its last run of letters or digits is long enough. */
  prefix: boolean
}

/**
 * The words of a search text, as every backend reads them: split at white space, words
 * without a letter or digit dropped, at most MAX_WORDS words of at most MAX_WORD_LENGTH
 * characters. The last word is a prefix (so `fas` finds `fastapi`) when its last run of
 * letters or digits has at least MIN_PREFIX_LENGTH characters. Empty when `text` holds
 * no word.
 *
 * @example
 * ```ts
 * parseQueryWords('FastAPI-serv') // [{text: 'FastAPI-serv', tokens: ['fastapi', 'serv'], prefix: true}]
 * parseQueryWords('" * ( -')      // []
 * ```
 */
export function parseQueryWords(text: string | undefined): QueryWord[] {
  if (text === undefined) return []
  const words = text
    .normalize('NFC')
    // FTS5 reads the query as a C string: a NUL would end it inside a quoted term.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => WORD_CHAR.test(word))
    .slice(0, MAX_WORDS)
    .map((word) => [...word].slice(0, MAX_WORD_LENGTH).join(''))
  const last = words.length - 1
  return words.map((word, i) => {
    const runs = word.match(WORD_RUNS) ?? []
    const prefix = i === last && [...(runs[runs.length - 1] ?? '')].length >= MIN_PREFIX_LENGTH
    return {text: word, tokens: searchTokens(word), prefix}
  })
}

/** Longest token the PostgreSQL index keeps; longer ones are cut (a query word is far shorter). */
export const MAX_TOKEN_LENGTH = 256

/**
 * The index tokens of a text, the way SQLite's `unicode61 remove_diacritics 2`
 * tokenizer makes them: runs of letters and digits, lower-cased, diacritics removed.
 * The PostgreSQL index is built from these tokens, not from its own parser, so both
 * dialects find the same words (PostgreSQL's parser keeps `fastapi-service`, e-mail
 * addresses, paths and version numbers as extra tokens, and splits differently).
 *
 * @example
 * ```ts
 * searchTokens('Café backend_developer v1.2') // ['cafe', 'backend', 'developer', 'v1', '2']
 * ```
 */
export function searchTokens(text: string): string[] {
  const folded = text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{Mn}/gu, '')
    .normalize('NFC')
  return (folded.match(WORD_RUNS) ?? []).map((token) =>
    token.length > MAX_TOKEN_LENGTH ? [...token].slice(0, MAX_TOKEN_LENGTH).join('') : token,
  )
}

/**
 * The text part of a MATCH expression, over all text columns and over the metadata
 * columns alone; undefined when `text` holds no word (see `parseQueryWords`). Words are
 * ANDed; each is a quoted phrase, so `fastapi-service` and `backend_developer` match
 * those words side by side.
 *
 * @example
 * ```ts
 * textMatch('fastapi serv')?.all // '{name tags category description readme author} : ("fastapi" AND "serv"*)'
 * textMatch('" * ( -')          // undefined
 * ```
 */
export function textMatch(text: string | undefined): {all: string; metadata: string} | undefined {
  const words = parseQueryWords(text)
  if (words.length === 0) return undefined
  const terms = words.map((word) => quoteTerm(word.text) + (word.prefix ? '*' : '')).join(' AND ')
  return {
    all: `{${TEXT_COLUMNS.join(' ')}} : (${terms})`,
    metadata: `{${METADATA_COLUMNS.join(' ')}} : (${terms})`,
  }
}

/** Filters a search can have, besides namespaces. */
export interface SearchFilters {
  category?: string | undefined
  tags?: readonly string[] | undefined
  author?: string | undefined
  minScore?: number | undefined
}

/**
 * The filters as index tokens: every group must match, with at least one token of
 * each group (a group has several tokens only for a minimum score). Empty when there
 * is no filter. Both backends build their filter clause from this.
 *
 * @example
 * ```ts
 * filterGroups({category: 'qa_engineer', minScore: 75}) // [['ca71…'], ['qs80', 'qv75', …, 'qv79']]
 * ```
 */
export function filterGroups(filters: SearchFilters): string[][] {
  const groups: string[][] = []
  if (filters.category) groups.push([filterToken('category', filters.category)])
  for (const tag of filters.tags ?? []) {
    if (tag.trim()) groups.push([filterToken('tag', tag)])
  }
  if (filters.author?.trim()) groups.push([filterToken('author', filters.author)])
  if (filters.minScore !== undefined) groups.push(scoreFilter(filters.minScore).anyOf)
  return groups
}

/**
 * The filter part of a MATCH expression: every given filter, ANDed; undefined when
 * there is none.
 *
 * @example
 * ```ts
 * filterMatch({category: 'backend_developer', tags: ['python'], minScore: 70})
 * // '{filters} : ("ca…" AND "tg707974686f6e" AND "qs70")'
 * ```
 */
export function filterMatch(filters: SearchFilters): string | undefined {
  const parts = filterGroups(filters).map((group) => {
    const quoted = group.map(quoteTerm)
    return quoted.length === 1 ? (quoted[0] as string) : `(${quoted.join(' OR ')})`
  })
  return parts.length === 0 ? undefined : `{filters} : (${parts.join(' AND ')})`
}
