/**
 * The ORDER BY of every search sorted by something other than relevance, the same on
 * both dialects, over `templates AS t`. Ties go by name, then namespace, so pages
 * never overlap.
 */
import {sql} from 'kysely'
import type {RawBuilder} from 'kysely'

import type {SearchSort} from '../../domain/registry.js'
import type {Dialect} from '../database.js'
import {CAPABILITIES} from '../dialect.js'

/**
 * @example
 * ```ts
 * sql`SELECT t.name FROM templates AS t ORDER BY ${orderBy('usage', 'postgres')} LIMIT 20`
 * ```
 */
export function orderBy(sort: Exclude<SearchSort, 'relevance'>, dialect: Dialect): RawBuilder<unknown> {
  // The same order of names on both dialects (see DialectCapabilities.nameOrder).
  const byName = CAPABILITIES[dialect].nameOrder
  switch (sort) {
    case 'name':
      return byName
    case 'usage':
      return sql`t.usage_count DESC, ${byName}`
    case 'score':
      return sql`t.quality_score IS NULL, t.quality_score DESC, ${byName}`
    case 'updated':
      return sql`t.updated_at DESC, ${byName}`
  }
}
