/**
 * The dialect-specific half of search. `TemplateIndex` talks to this interface only,
 * so a PostgreSQL implementation slots in without touching callers.
 */
import type {Kysely} from 'kysely'

import type {SearchHit, SearchSort} from '../../domain/registry.js'
import {dialectOf} from '../database.js'
import type {Database} from '../schema.js'
import type {Counted} from './count.js'
import {PostgresSearch} from './postgres.js'
import {SqliteSearch} from './sqlite.js'

/** What the search index knows about one template (its latest version). */
export interface SearchDocument {
  /** `templates.seq` */
  seq: number
  namespace: string
  name: string
  category: string
  description: string
  author: string
  tags: readonly string[]
  readme: string
  qualityScore: number | null
}

/** A validated query: namespaces non-empty, limit and offset in range. */
export interface BackendQuery {
  namespaces: readonly string[]
  text?: string | undefined
  category?: string | undefined
  /** Rows of this category are left out (template searches leave out workflows). */
  excludeCategory?: string | undefined
  tags?: readonly string[] | undefined
  author?: string | undefined
  minScore?: number | undefined
  /** `relevance` only when `text` holds a word. */
  sort: SearchSort
  limit: number
  offset: number
  /**
   * Count matches up to this many, then stop: `total` is then a lower bound and
   * `totalExact` false. Undefined counts them all.
   */
  countUpTo: number | undefined
}

/** A page of matches and how many there are. */
export interface BackendResult extends Counted {
  items: SearchHit[]
}

export interface SearchBackend {
  /**
   * Writes (or rewrites) the search rows of templates, in a few statements whatever their
   * number (a publish batch writes all of its rows at once). Runs inside the caller's
   * transaction. Removal is not here: deleting the `templates` row removes it.
   */
  write(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void>
  /**
   * Writes the search rows of many templates whose rows do not exist yet, in a few
   * statements: for bulk loads (bench/ seeds 100,000 templates with it).
   */
  insertMany(db: Kysely<Database>, docs: readonly SearchDocument[]): Promise<void>
  search(db: Kysely<Database>, query: BackendQuery): Promise<BackendResult>
}

const backends = {sqlite: new SqliteSearch(), postgres: new PostgresSearch()} as const

export function searchBackendFor(db: Kysely<Database>): SearchBackend {
  return backends[dialectOf(db)]
}
