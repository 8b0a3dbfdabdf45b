/**
 * PostgreSQL: the filter tokens join the document vector, so a search with text and
 * filters is one `document @@ (words & filters)` that one GIN index answers. With the
 * two in separate vectors the planner took the filters' index and tested the words
 * row by row, unpacking each row's TOASTed document: 40–180 ms for a tag and a common
 * word at 100,000 templates, against 7 ms as one condition. (The metadata vector, kept
 * in the row, stays as it is: tested beside the small filters vector, it is cheap.)
 *
 * Filter lexemes are marked with `~` (no word token holds one: words are runs of
 * letters and digits), in the `filters` vector too, so a word never matches a filter
 * token (a prefix search for "qs6" would otherwise find every `qs60` score token).
 * They carry no positions, so ranks over the words do not count them.
 *
 * SQLite needs nothing: its filters are a column of the FTS5 table, and a MATCH names
 * its columns.
 *
 * Frozen: once released, a migration never changes; later changes are new files.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees the schema of its day, not today's types */
import {sql} from 'kysely'
import type {Kysely} from 'kysely'

import {dialectOf} from '../database.js'

export async function up(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  await sql`
    UPDATE template_search AS s
    SET filters = m.filters, document = s.document || m.filters
    FROM (
      SELECT seq, array_to_tsvector(ARRAY(SELECT '~' || lexeme FROM unnest(filters))) AS filters
      FROM template_search
    ) AS m
    WHERE m.seq = s.seq
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  // Back to unmarked filters, and a document without them.
  await sql`
    UPDATE template_search AS s
    SET filters = m.filters, document = ts_delete(s.document, tsvector_to_array(s.filters))
    FROM (
      SELECT seq, array_to_tsvector(ARRAY(SELECT substr(lexeme, 2) FROM unnest(filters))) AS filters
      FROM template_search
    ) AS m
    WHERE m.seq = s.seq
  `.execute(db)
}
