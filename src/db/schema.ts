/**
 * Row types of the index database, as kysely sees them.
 *
 * Timestamps are ISO-8601 strings and JSON columns are text on every dialect, so rows
 * read the same from SQLite and PostgreSQL. The search index (`templates_fts` on
 * SQLite) is dialect-specific and deliberately absent here: only `src/db/search/`
 * touches it.
 */
import type {Generated} from 'kysely'

export interface NamespacesTable {
  name: string
  /** Small integer naming the namespace inside `templates.seq` (see keys.ts); never reused. */
  key: number
  /** Git commit the index reflects for this namespace; null until the first write. */
  head_commit: string | null
  updated_at: string
  /** Moves on with every index write to the namespace; other processes' caches compare it. */
  generation: Generated<number>
}

/** Settings of the index itself; `store_id` names the git store it was built from. */
export interface IndexSettingsTable {
  name: string
  value: string
}

export interface TemplatesTable {
  /**
   * Internal integer key (SQLite rowid alias), in the range of its namespace (see
   * keys.ts). The search index is keyed by it; nothing outside src/db sees it.
   */
  seq: number
  /** Public identifier (UUID). */
  id: string
  namespace: string
  name: string
  category: string
  description: string
  author: string
  /** JSON array of strings. */
  tags: string
  latest_version: string
  latest_version_id: string
  quality_score: number | null
  usage_count: Generated<number>
  created_at: string
  updated_at: string
}

export interface TemplateVersionsTable {
  id: string
  template_id: string
  namespace: string
  version: string
  major: number
  minor: number
  patch: number
  /** Prerelease part (`rc.1`), '' for a release: releases sort above prereleases. */
  prerelease: string
  /** The prerelease as a key whose byte order is semver precedence ('' for a release): see version-order.ts. */
  prerelease_key: string
  commit: string
  message: string
  author: string
  created_at: string
  /** manifest.yaml as parsed, JSON text. */
  manifest: string
  readme: string
  /** sha256 over the sorted `path NUL oid` lines: equal content ⇔ equal hash. */
  content_hash: string
  quality_score: number | null
  /** JSON text, or null when the version was not scored. */
  quality_report: string | null
}

export interface VersionFilesTable {
  version_id: string
  path: string
  /** Git blob id of the contents (key into `blobs`). */
  oid: string
  size: number
  /** 1 when the contents look binary (a NUL byte in the first 8000 bytes, as git decides). */
  binary: number
}

export interface BlobsTable {
  oid: string
  content: Uint8Array
}

/**
 * The projects a registry knows were made from its templates: made by the daemon
 * (`instantiate`), or registered by a CLI with `--remote` (`register`); one row per
 * template of a project (a workflow-made project has one per template step).
 */
export interface ProjectsTable {
  id: string
  tenant: string
  template_id: string
  namespace: string
  template: string
  version: string
  /** `version` as columns (version-order.ts), so "outdated" is a join, not a loop. */
  major: number
  minor: number
  patch: number
  /** '' for a release. */
  prerelease_key: string
  commit: string
  source: 'instantiate' | 'register'
  name: string | null
  created_by: string
  created_at: string
  updated_at: string
}

export interface Database {
  namespaces: NamespacesTable
  index_settings: IndexSettingsTable
  templates: TemplatesTable
  template_versions: TemplateVersionsTable
  version_files: VersionFilesTable
  blobs: BlobsTable
  projects: ProjectsTable
}
