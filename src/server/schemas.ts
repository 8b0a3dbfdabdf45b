/**
 * JSON Schemas of the API's bodies and answers, kept once: the route table
 * (src/server/routes/*) refers to them, ajv validates requests with them and
 * /openapi.json publishes them. The manifest schema is the domain's own
 * (schemas/manifest.schema.json), so a manifest is checked by the same rules on upload
 * as on disk.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {CATEGORIES} from '../domain/manifest.js'
import {packageRoot} from '../domain/package-root.js'
import {SEARCH_SORTS} from '../registry/types.js'
import {authComponents} from './auth-schemas.js'

export type JsonSchema = Record<string, unknown>

/** A reference to a component schema (`#/components/schemas/Name`, as in OpenAPI). */
export const ref = (name: string): JsonSchema => ({$ref: `#/components/schemas/${name}`})

const NAME_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'
const NAMESPACE_PATTERN = '^[a-z0-9][a-z0-9_-]{0,62}$'
const BASE64_PATTERN = '^[A-Za-z0-9+/]*={0,2}$'

const str = (extra: JsonSchema = {}): JsonSchema => ({type: 'string', ...extra})
const int = (extra: JsonSchema = {}): JsonSchema => ({type: 'integer', ...extra})
const obj = (
  properties: Record<string, JsonSchema>,
  required: string[] = Object.keys(properties),
  extra: JsonSchema = {},
) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
  ...extra,
})
const arrayOf = (items: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({type: 'array', items, ...extra})
const nullable = (type: string): JsonSchema => ({type: [type, 'null']})

/**
 * A copy of a schema with every `$ref` passed through `map`.
 *
 * @example
 * ```ts
 * mapRefs({items: {$ref: '#/$defs/x'}}, (to) => to.replace('$defs', 'components/schemas'))
 * // {items: {$ref: '#/components/schemas/x'}}
 * ```
 */
export function mapRefs(node: unknown, map: (ref: string) => string): JsonSchema {
  const walk = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(walk)
    if (n && typeof n === 'object') {
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(n)) {
        out[key] = key === '$ref' && typeof value === 'string' ? map(value) : walk(value)
      }
      return out
    }
    return n
  }
  return walk(node) as JsonSchema
}

/**
 * The domain's manifest schema, reshaped for a components section: its `$defs` become
 * sibling components (`ManifestParameter`, `ManifestFileRule`) so every `$ref` in the
 * document has one form.
 */
function manifestComponents(): Record<string, JsonSchema> {
  const raw = JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'manifest.schema.json'), 'utf8'),
  ) as JsonSchema
  const {
    $defs,
    $schema: _schema,
    $id: _id,
    ...manifest
  } = raw as JsonSchema & {$defs?: Record<string, JsonSchema>}
  const componentName = (def: string) => `Manifest${def[0]!.toUpperCase()}${def.slice(1)}`
  const rewrite = (node: unknown) =>
    mapRefs(node, (to) =>
      to.startsWith('#/$defs/') ? `#/components/schemas/${componentName(to.slice('#/$defs/'.length))}` : to,
    )
  const components: Record<string, JsonSchema> = {Manifest: rewrite(manifest)}
  for (const [name, def] of Object.entries($defs ?? {})) components[componentName(name)] = rewrite(def)
  return components
}

const answerValue: JsonSchema = {
  oneOf: [str(), {type: 'number'}, {type: 'boolean'}, arrayOf(str())],
}

const summaryProperties: Record<string, JsonSchema> = {
  id: str({format: 'uuid'}),
  namespace: str(),
  name: str(),
  version: str(),
  description: str(),
  category: str(),
  author: str(),
  tags: arrayOf(str()),
  quality_score: nullable('number'),
  updated_at: str({format: 'date-time'}),
}

const versionInfoProperties: Record<string, JsonSchema> = {
  version: str(),
  commit: str(),
  created_at: str({format: 'date-time'}),
  message: str(),
  author: str(),
  quality_score: nullable('number'),
}

/** Filters of a search, shared by `GET /templates` (query) and `POST /templates/search` (body). */
export const searchFilters = (listMax: number): Record<string, JsonSchema> => ({
  text: str({maxLength: 500, description: 'Words to search for; the last one matches as a prefix.'}),
  category: str({enum: [...CATEGORIES]}),
  tags: arrayOf(str({maxLength: 32}), {maxItems: 20, description: 'Every tag must match.'}),
  author: str({maxLength: 200}),
  minScore: int({minimum: 0, maximum: 100, description: 'Only templates scoring at least this.'}),
  namespace: str({pattern: NAMESPACE_PATTERN}),
  sort: str({
    enum: [...SEARCH_SORTS],
    description:
      'relevance (the default with text), name (the default without), usage (most used first), score (highest quality first) or updated (most recent first); ties by name.',
  }),
  limit: int({minimum: 1, maximum: listMax, default: 20}),
  offset: int({minimum: 0, maximum: 1_000_000, default: 0}),
  exactTotal: {
    type: 'boolean',
    default: false,
    description:
      'Count every match. Without it, matches are counted up to 10,000 and more are reported as total 10000 with total_exact false.',
  },
})

const check: JsonSchema = obj({
  id: str({enum: ['documentation', 'examples', 'metadata', 'structure', 'dependencies']}),
  title: str(),
  weight: {type: 'number'},
  points: {type: 'number'},
  status: str({enum: ['pass', 'warning', 'fail']}),
  findings: arrayOf(ref('Finding')),
  recommendations: arrayOf(str()),
})

/**
 * Every component schema of the API. `listMax` bounds the page sizes the schemas accept.
 *
 * @example
 * ```ts
 * const schemas = apiComponents(100)
 * schemas.TemplateDetail // {type: 'object', properties: {...}}
 * ```
 */
export function apiComponents(listMax: number): Record<string, JsonSchema> {
  return {
    ...manifestComponents(),
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details; extension members carry the data of the error.',
      properties: {
        type: str({format: 'uri'}),
        title: str(),
        status: int({minimum: 400, maximum: 599}),
        detail: str(),
        instance: str(),
        code: str({
          pattern: '^[A-Z][A-Z0-9_]*$',
          description: 'Stable machine-readable code, the same as the CLI reports.',
        }),
        request_id: str(),
        errors: arrayOf(obj({in: str({enum: ['path', 'query', 'body']}), pointer: str(), message: str()}), {
          description: 'VALIDATION_ERROR: every schema violation of the request.',
        }),
      },
      required: ['type', 'title', 'status', 'detail', 'code'],
    },
    AnswerValue: answerValue,
    Answers: {type: 'object', additionalProperties: ref('AnswerValue'), maxProperties: 500},
    TemplateSummary: obj(summaryProperties),
    SearchHit: obj({...summaryProperties, rank: {type: 'number'}}),
    SearchQuery: obj(searchFilters(listMax), []),
    SearchRequest: obj(
      {
        ...searchFilters(listMax),
        query: str({
          maxLength: 500,
          description: 'Same as `text`, as the original service named it; give one of the two.',
        }),
      },
      [],
    ),
    SearchResult: obj({
      items: arrayOf(ref('SearchHit')),
      total: int({minimum: 0, description: 'Matches; at least this many when total_exact is false.'}),
      total_exact: {
        type: 'boolean',
        description: 'False when the count stopped at 10,000 (set exactTotal to count every match).',
      },
      limit: int(),
      offset: int(),
      categories: {
        type: 'object',
        additionalProperties: int({minimum: 0}),
        description:
          'Templates per category in the namespaces searched, whatever the other filters (the catalog by category).',
      },
    }),
    TemplateFileEntry: obj({path: str(), size: int({minimum: 0}), oid: str(), binary: {type: 'boolean'}}),
    TemplateDetail: obj({
      ...summaryProperties,
      manifest: ref('Manifest'),
      readme: str(),
      commit: str(),
      files: arrayOf(ref('TemplateFileEntry')),
      created_at: str({format: 'date-time'}),
    }),
    VersionInfo: obj(versionInfoProperties),
    VersionList: obj({
      name: str(),
      namespace: str(),
      items: arrayOf(ref('VersionInfo')),
      total: int({minimum: 0}),
      limit: int(),
      offset: int(),
    }),
    WireFile: {
      ...obj({content: str(), encoding: str({enum: ['utf8', 'base64']})}),
      if: {properties: {encoding: {const: 'base64'}}},
      then: {properties: {content: {type: 'string', pattern: BASE64_PATTERN}}},
    },
    WireFiles: {
      type: 'object',
      description: 'A template folder: POSIX path relative to the template root → file.',
      additionalProperties: ref('WireFile'),
      propertyNames: {minLength: 1, maxLength: 4096},
    },
    TemplateUpload: obj({manifest: ref('Manifest'), files: ref('WireFiles')}, ['files'], {
      description:
        'A template folder. `files` holds manifest.yaml, or `manifest` gives it as an object (then files must not hold it).',
    }),
    TemplateFilesResponse: obj({template: ref('TemplateDetail'), files: ref('WireFiles')}),
    QualitySummary: obj({score: {type: 'number'}, passed: {type: 'boolean'}}),
    PublishResult: obj({
      template: ref('TemplateSummary'),
      commit: str(),
      status: str({enum: ['created', 'updated', 'unchanged']}),
      quality: {oneOf: [ref('QualitySummary'), {type: 'null'}]},
    }),
    DeleteResult: obj({name: str(), namespace: str(), commit: str()}),
    RestoreResult: obj({
      template: ref('TemplateSummary'),
      commit: str({description: 'The new commit that brings the template back'}),
      status: str({enum: ['created', 'updated', 'unchanged']}),
      quality: {oneOf: [ref('QualitySummary'), {type: 'null'}]},
      restored_from: obj({commit: str(), version: str()}, ['commit', 'version'], {
        description: 'The commit of the history whose files were restored, and their version',
      }),
    }),
    InstantiateRequest: obj(
      {
        answers: ref('Answers'),
        useDefaults: {type: 'boolean', default: true},
        format: str({enum: ['json', 'tar.gz', 'zip']}),
        root: str({
          maxLength: 255,
          description: "Top folder inside an archive; default the template name, '' for none.",
        }),
        forUpdate: {
          type: 'boolean',
          default: false,
          description:
            'A render for `maestro-tpl update` or a diff: no project is recorded and no use counted.',
        },
      },
      [],
    ),
    InstantiateResponse: obj({
      template: str(),
      version: str(),
      commit: str(),
      answers: ref('Answers'),
      files: {type: 'object', additionalProperties: str({contentEncoding: 'base64'})},
    }),
    Finding: {
      ...obj(
        {
          rule: str(),
          message: str(),
          recommendation: str(),
          file: str(),
          line: int(),
          column: int(),
          severity: str({enum: ['error', 'warning', 'note']}),
        },
        ['rule', 'message', 'severity'],
      ),
    },
    CheckResult: check,
    QualityReport: obj(
      {
        template: str(),
        version: str(),
        score: int({minimum: 0, maximum: 100}),
        minScore: int({minimum: 0, maximum: 100}),
        passed: {type: 'boolean'},
        checks: arrayOf(ref('CheckResult')),
        durationMs: {type: 'number'},
      },
      ['template', 'version', 'score', 'minScore', 'passed', 'checks'],
    ),
    ScoreResult: obj({
      template: str(),
      version: str(),
      score: int({minimum: 0, maximum: 100}),
      minScore: int({minimum: 0, maximum: 100}),
      passed: {type: 'boolean'},
      template_id: str({description: "The template's name (the original service's field)"}),
      quality_score: int({minimum: 0, maximum: 100, description: "The score (the original service's field)"}),
      checks: {
        type: 'object',
        description: "Each check's status by check id (the original service's field)",
        additionalProperties: str({enum: ['pass', 'warning', 'fail']}),
      },
      recommendations: arrayOf(str()),
    }),
    ValidateRequest: {
      description: 'A template to score: its files (as for create), or a published template by reference.',
      oneOf: [ref('TemplateUpload'), obj({ref: str({minLength: 1, maxLength: 300})})],
    },
    RegistryReport: {
      type: 'object',
      description: 'Per category: count, mean score, failing templates with their weakest check.',
    },
    AdminStats: {
      type: 'object',
      properties: {
        templates: int(),
        versions: int(),
        namespaces: arrayOf(str()),
        categories: {type: 'object', additionalProperties: int()},
        cache: obj(
          {
            hits: int(),
            misses: int(),
            entries: {type: ['integer', 'null'], description: 'null for Redis (its keys are not counted)'},
            errors: int(),
            backend: str({enum: ['memory', 'redis']}),
          },
          ['hits', 'misses', 'entries'],
        ),
        events: {
          type: 'object',
          description: 'The event bus (in-process or redis) and what its consumers in this daemon did',
        },
        response_cache: obj({hits: int(), misses: int(), entries: int()}),
        uptime_seconds: {type: 'number'},
        memory: {type: 'object', additionalProperties: {type: 'number'}},
      },
      required: ['templates', 'versions', 'namespaces', 'cache', 'uptime_seconds'],
    },
    ReindexResult: obj({
      namespaces: arrayOf(
        obj({namespace: str(), templates: int(), versions: int(), commit: {type: ['string', 'null']}}),
      ),
    }),
    Health: obj(
      {
        status: str({
          enum: ['healthy', 'degraded', 'unhealthy', 'starting'],
          description:
            'starting (503): the daemon listens but is still opening its store and importing the catalog (see progress); other requests wait until it is ready.',
        }),
        service: str(),
        version: str(),
        database: str(),
        database_kind: str({enum: ['sqlite', 'postgres']}),
        redis: str(),
        redis_latency_ms: {type: ['number', 'null']},
        templates_count: {type: ['integer', 'null']},
        uptime_seconds: {type: 'number'},
        index_conflicts: {
          type: 'object',
          description:
            'Per namespace whose git holds changes the index cannot take (status degraded): served as last indexed, writes refused (409 INDEX_CONFLICT) until git is fixed.',
          additionalProperties: arrayOf(obj({commit: str(), path: str(), reason: str()})),
        },
        progress: obj({phase: str(), done: int(), total: int()}, ['phase', 'done', 'total'], {
          description:
            'While starting: what the daemon is doing, and how far (templates imported of the catalog).',
        }),
        git_sync: {
          type: 'object',
          description:
            'Per namespace ever synced: its last git sync. A failed sync is reported here but does not make the daemon unhealthy.',
          additionalProperties: obj({
            state: str({enum: ['running', 'ok', 'failed']}),
            last_attempt: str({format: 'date-time'}),
            last_success: {type: ['string', 'null'], format: 'date-time'},
          }),
        },
      },
      [
        'status',
        'service',
        'version',
        'database',
        'database_kind',
        'redis',
        'redis_latency_ms',
        'templates_count',
        'uptime_seconds',
      ],
    ),
    GitSyncRequest: obj(
      {
        remote_url: str({
          minLength: 1,
          maxLength: 2000,
          description:
            "http(s) URL of the git repository, remembered as the namespace's origin (default: the remembered one). No credentials in it: the daemon uses its own.",
        }),
        pull: {type: 'boolean', description: 'Fetch and fast-forward (default: pull then push).'},
        push: {type: 'boolean', description: 'Push (default: pull then push).'},
      },
      [],
    ),
    GitSyncStatus: obj({
      namespace: str(),
      remote: nullable('string'),
      state: str({enum: ['running', 'ok', 'failed']}),
      last_attempt: str({format: 'date-time'}),
      last_success: {type: ['string', 'null'], format: 'date-time'},
      error: {
        oneOf: [{type: 'null'}, obj({code: str(), message: str()})],
      },
      fetched: int({minimum: 0}),
      pushed: int({minimum: 0}),
      head: nullable('string'),
      successes: int({minimum: 0}),
      failures: int({minimum: 0}),
    }),
    GitSyncStatusResponse: obj({
      namespace: str(),
      status: {oneOf: [{type: 'null'}, ref('GitSyncStatus')]},
    }),
    GitSyncResult: obj({
      namespace: str(),
      remote: str(),
      fetched: int({minimum: 0, description: 'Commits fetched onto the local main'}),
      pushed: int({minimum: 0, description: 'Commits pushed onto the remote main'}),
      templates: obj({added: arrayOf(str()), changed: arrayOf(str()), removed: arrayOf(str())}),
      head: nullable('string'),
      remoteHead: nullable('string'),
      status: ref('GitSyncStatus'),
    }),
    CacheCleared: obj({cleared: {type: 'boolean'}}),
    ...authComponents(),
  }
}

/** Path parameter `{id}`: a template's UUID or name, with an optional @version or @range. */
export const templateIdParam: JsonSchema = str({
  minLength: 1,
  maxLength: 300,
  description:
    'Template id (UUID) or name, optionally `namespace/name` (as `namespace%2Fname`) and `@version` or `@range` (`fastapi-service@^1`).',
})

export const PATTERNS = Object.freeze({name: NAME_PATTERN, namespace: NAMESPACE_PATTERN})
