/**
 * Row ↔ record mapping shared by the index and the search backends.
 */
import type {TemplateSummary} from '../domain/types.js'

/** Columns of `templates` a TemplateSummary is made of. */
export const SUMMARY_COLUMNS = [
  'id',
  'namespace',
  'name',
  'latest_version',
  'description',
  'category',
  'author',
  'tags',
  'quality_score',
  'updated_at',
] as const

export interface SummaryRow {
  id: string
  namespace: string
  name: string
  latest_version: string
  description: string
  category: string
  author: string
  tags: string
  quality_score: number | null
  updated_at: string
}

export function toSummary(row: SummaryRow): TemplateSummary {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    version: row.latest_version,
    description: row.description,
    category: row.category,
    author: row.author,
    tags: parseTags(row.tags),
    quality_score: row.quality_score === null ? null : Number(row.quality_score),
    updated_at: row.updated_at,
  }
}

function parseTags(json: string): string[] {
  const value: unknown = JSON.parse(json)
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : []
}

/** Splits `items` into runs of at most `size`, to stay under bound-parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
