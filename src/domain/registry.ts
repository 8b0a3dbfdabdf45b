/**
 * The registry's contract: the interface every front end (CLI, daemon, stream handler,
 * SDK) calls and the shapes it passes. It lives in the domain so the layers below the
 * registry (db, auth, events) can name these shapes without depending on the registry.
 */
import type {RegistryQualityReport} from './quality.js'
import type {
  Answers,
  Category,
  LoadedTemplate,
  Manifest,
  Namespace,
  TemplateSummary,
  VersionInfo,
} from './types.js'

/**
 * Who is asking. The local CLI is the `local` tenant with the admin role; the daemon
 * derives the context from the caller's token.
 */
export interface RequestContext {
  tenant: Namespace
  user: string
  role: 'admin' | 'editor' | 'viewer'
  /** Set for a caller without credentials (src/auth/policy.ts ANONYMOUS): reads the public catalog only. */
  anonymous?: true
  /**
   * More namespaces this caller may read (never write), after its own and before the
   * public catalog: the local CLI reads the daemon mirrors of `sync --from-remote`.
   */
  reads?: readonly Namespace[]
}

/** Orders search can return results in (see `SearchQuery.sort`). */
export const SEARCH_SORTS = ['relevance', 'name', 'usage', 'score', 'updated'] as const
export type SearchSort = (typeof SEARCH_SORTS)[number]

export interface SearchQuery {
  text?: string
  category?: Category
  tags?: string[]
  author?: string
  minScore?: number
  namespace?: Namespace
  /**
   * `relevance` (best match first; the default with text), `name` (the default
   * without), `usage` (most used first), `score` (highest quality score first, unscored
   * last) or `updated` (most recently updated first). Ties go by name. Without text,
   * `relevance` means `name`.
   */
  sort?: SearchSort
  limit?: number
  offset?: number
  /**
   * Count every match. Without it a search counts up to 10,000 and reports more as
   * `total: 10000, total_exact: false`: counting every match of a word most templates
   * hold costs more than the page.
   */
  exactTotal?: boolean
}

export interface SearchHit extends TemplateSummary {
  /** Relevance (higher is better); 0 when the query had no text or was sorted other than by relevance. */
  rank: number
}

export interface SearchResult {
  items: SearchHit[]
  /** How many templates match; when `total_exact` is false, at least this many. */
  total: number
  /** False when the count stopped at 10,000 (ask with `exactTotal` for every match). */
  total_exact: boolean
  limit: number
  offset: number
  /**
   * Templates per category in the namespaces searched, whatever the other filters: the
   * shelves of the catalog, so `search --category X` can say how full X is among them.
   */
  categories: Record<string, number>
}

export interface TemplateFileEntry {
  path: string
  size: number
  /** git blob id */
  oid: string
  binary: boolean
}

export interface TemplateDetail extends TemplateSummary {
  manifest: Manifest
  readme: string
  commit: string
  files: TemplateFileEntry[]
  created_at: string
}

export interface PublishInput {
  template: LoadedTemplate
  /** Commit message; defaults to `create|update NAME@VERSION`. */
  message?: string
  namespace?: Namespace
}

/** A new version of an existing template (see `Registry.update`). */
export interface UpdateInput {
  /** The new version: its manifest must name the template being updated. */
  template: LoadedTemplate
  /** Commit message; defaults to `update NAME@VERSION`. */
  message?: string
  /** Where the new version goes; default the namespace the template was found in. */
  namespace?: Namespace
}

export interface PublishResult {
  template: TemplateSummary
  commit: string
  /** created: new template; updated: new version; unchanged: same version, same content (no commit). */
  status: 'created' | 'updated' | 'unchanged'
  quality: QualitySummary | null
}

export interface QualitySummary {
  score: number
  passed: boolean
}

export interface DeleteResult {
  name: string
  namespace: Namespace
  commit: string
}

/** A deleted template published again from its git history (`restore NAME[@VERSION]`). */
export interface RestoreResult extends PublishResult {
  /** The commit whose files were restored, and the version they are. */
  restored_from: {commit: string; version: string}
}

export interface InstantiateOptions {
  answers?: Answers
  /** Use defaults for every unanswered parameter instead of failing. */
  useDefaults?: boolean
  /** Project id to record in .maestro-answers.yaml and the usage event (daemon instantiations). */
  project?: string
  /** A render for an update or a diff (src/update/): no new project, not counted as a use. */
  forUpdate?: boolean
  /** Stops the render (a cancelled workflow step); in process only, never sent over the wire. */
  signal?: AbortSignal | undefined
}

export interface RenderedProject {
  template: string
  version: string
  commit: string
  answers: Answers
  /** Rendered files, including .maestro-answers.yaml, keyed by POSIX path. */
  files: Map<string, Uint8Array>
}

export interface ReindexResult {
  namespaces: {namespace: Namespace; templates: number; versions: number; commit: string | null}[]
}

/**
 * The one service interface every front end uses: the CLI (locally or with --remote),
 * the daemon's routers and the SDK.
 */
export interface Registry {
  search(query: SearchQuery): Promise<SearchResult>
  /** `ref` is `name`, `name@1.2.0`, `name@^1`, `namespace/name[@range]`, or a template id. */
  get(ref: string): Promise<TemplateDetail>
  /** Files of the template at `ref` (the template folder, manifest.yaml included). */
  getFiles(ref: string): Promise<LoadedTemplate & {detail: TemplateDetail}>
  versions(ref: string): Promise<VersionInfo[]>
  publish(input: PublishInput): Promise<PublishResult>
  /**
   * Publishes a new version of the existing template `ref` (no version in it). The
   * manifest must name that template: a template is never renamed by an update.
   */
  update(ref: string, input: UpdateInput): Promise<PublishResult>
  delete(ref: string): Promise<DeleteResult>
  /** Bring a deleted template back from git history: `name` (as before its delete) or `name@version`. */
  restore(ref: string): Promise<RestoreResult>
  /** Render `ref` with answers; answers are validated before anything is rendered. */
  instantiate(ref: string, options?: InstantiateOptions): Promise<RenderedProject>
  reindex(): Promise<ReindexResult>
  /** Registry-wide quality from the stored scores (see `maestro-tpl quality report`). */
  qualityReport(opts?: {minScore?: number}): Promise<RegistryQualityReport>
  close(): Promise<void>
}

/** Progress of long work (catalog import, reindex); awaited between steps. */
export type ImportProgress = (event: {
  label: string
  done: number
  total: number
  detail?: string
}) => Promise<void> | void
