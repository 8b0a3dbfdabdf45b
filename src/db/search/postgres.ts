/**
 * Search on PostgreSQL: not built yet (a tsvector column on `templates` with a GIN
 * index, added by its own migration, is the plan). Until then every call says so
 * plainly instead of failing on a missing table.
 */
import type {Kysely} from 'kysely'

import type {SearchHit} from '../../registry/types.js'
import type {Database} from '../schema.js'
import type {BackendQuery, SearchBackend, SearchDocument} from './backend.js'

export class PostgresSearch implements SearchBackend {
  async write(_db: Kysely<Database>, _doc: SearchDocument): Promise<void> {
    throw notYet()
  }

  async search(_db: Kysely<Database>, _q: BackendQuery): Promise<{items: SearchHit[]; total: number}> {
    throw notYet()
  }
}

function notYet(): Error {
  return new Error(
    'template search on PostgreSQL is not implemented yet; use SQLite (leave DATABASE_URL unset)',
  )
}
