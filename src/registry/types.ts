/** The registry's contract lives in src/domain/registry.ts (layers below the registry name it too). */
export {SEARCH_SORTS} from '../domain/registry.js'
export type {
  DeleteResult,
  ImportProgress,
  InstantiateOptions,
  PublishInput,
  PublishResult,
  QualitySummary,
  Registry,
  ReindexResult,
  RenderedProject,
  RequestContext,
  RestoreResult,
  SearchHit,
  SearchQuery,
  SearchResult,
  SearchSort,
  TemplateDetail,
  TemplateFileEntry,
  UpdateInput,
} from '../domain/registry.js'
