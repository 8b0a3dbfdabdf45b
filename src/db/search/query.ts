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
 * How the index answers `quality_score >= minScore`: a MATCH clause over the score
 * tokens, `exact` when it selects precisely those templates (whole numbers from 0 to
 * 100); otherwise the clause narrows and the caller must still compare the score.
 *
 * @example
 * ```ts
 * scoreFilter(70) // {match: '"qs70"', exact: true}
 * scoreFilter(73) // {match: '("qs80" OR "qv73" OR … "qv79")', exact: true}
 * scoreFilter(72.5) // like 72, exact: false
 * ```
 */
export function scoreFilter(minScore: number): {match: string; exact: boolean} {
  const from = Math.min(100, Math.max(0, Math.floor(minScore)))
  const exact = from === minScore
  const ten = Math.ceil(from / SCORE_STEP) * SCORE_STEP
  if (ten === from) return {match: `"qs${from}"`, exact}
  const values = Array.from({length: ten - from}, (_, i) => `"qv${from + i}"`)
  return {match: `("qs${ten}" OR ${values.join(' OR ')})`, exact}
}

/** The `filters` column text of one template. */
export function filtersText(doc: {
  category: string
  tags: readonly string[]
  author: string
  qualityScore: number | null
}): string {
  const tokens = [
    filterToken('category', doc.category),
    ...doc.tags.map((tag) => filterToken('tag', tag)),
    filterToken('author', doc.author),
  ]
  return [...tokens, ...scoreTokens(doc.qualityScore)].join(' ')
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

/**
 * The text part of a MATCH expression, over all text columns and over the metadata
 * columns alone; undefined when `text` holds no word. Words (split at white space)
 * are ANDed; each is a quoted phrase, so `fastapi-service` and `backend_developer`
 * match those words side by side. The last word is prefix-matched (so `fas` finds
 * `fastapi`) when its last run of letters or digits has at least MIN_PREFIX_LENGTH
 * characters.
 *
 * @example
 * ```ts
 * textMatch('fastapi serv')?.all // '{name tags category description readme author} : ("fastapi" AND "serv"*)'
 * textMatch('" * ( -')          // undefined
 * ```
 */
export function textMatch(text: string | undefined): {all: string; metadata: string} | undefined {
  if (text === undefined) return undefined
  const words = text
    .normalize('NFC')
    // FTS5 reads the query as a C string: a NUL would end it inside a quoted term.
    .replace(/\p{Cc}/gu, ' ')
    .split(/\s+/u)
    .filter((word) => WORD_CHAR.test(word))
    .slice(0, MAX_WORDS)
    .map((word) => [...word].slice(0, MAX_WORD_LENGTH).join(''))
  if (words.length === 0) return undefined
  const last = words.length - 1
  const terms = words
    .map((word, i) => {
      const runs = word.match(WORD_RUNS) ?? []
      const prefix = i === last && [...(runs[runs.length - 1] ?? '')].length >= MIN_PREFIX_LENGTH
      return quoteTerm(word) + (prefix ? '*' : '')
    })
    .join(' AND ')
  return {
    all: `{${TEXT_COLUMNS.join(' ')}} : (${terms})`,
    metadata: `{${METADATA_COLUMNS.join(' ')}} : (${terms})`,
  }
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
export function filterMatch(filters: {
  category?: string
  tags?: readonly string[]
  author?: string
  minScore?: number
}): string | undefined {
  const parts: string[] = []
  if (filters.category) parts.push(quoteTerm(filterToken('category', filters.category)))
  for (const tag of filters.tags ?? []) {
    if (tag.trim()) parts.push(quoteTerm(filterToken('tag', tag)))
  }
  if (filters.author?.trim()) parts.push(quoteTerm(filterToken('author', filters.author)))
  if (filters.minScore !== undefined) parts.push(scoreFilter(filters.minScore).match)
  return parts.length === 0 ? undefined : `{filters} : (${parts.join(' AND ')})`
}
