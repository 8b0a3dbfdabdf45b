/**
 * /api/v1/templates: list, search, create, get, update, delete, versions, files and
 * instantiate, with the semantics of the CLI verbs of the same names.
 */
import express from 'express'
import type {Request, Response, Router} from 'express'

import type {
  ArchiveFormat,
  InstantiateRequest,
  InstantiateResponse,
  TemplateFilesResponse,
  VersionList,
} from '../../domain/wire.js'
import {encodeFiles, toBase64} from '../../domain/wire.js'
import {UsageError} from '../../domain/errors.js'
import {assertSafeRelativePath} from '../../domain/paths.js'
import {ownRecord} from '../../domain/records.js'
import {parseTemplate} from '../../domain/template.js'
import {formatRef, parseRef} from '../../domain/ref.js'
import type {SearchQuery} from '../../registry/types.js'
import {defineRoute, mountRoutes, sendBody} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref, searchFilters, templateIdParam} from '../schemas.js'
import type {JsonSchema} from '../schemas.js'
import type {RouterDeps} from '../types.js'
import {downloadHeaders} from '../../archive/archive.js'
import {uploadedFiles} from '../../archive/upload.js'
import type {RenderHost} from '../../sandbox/host.js'
import {instantiateRecorded} from './projects.js'

const TAG = 'templates'

const ok = (description: string, schema: JsonSchema) => ({description, schema})

const versionQuery: Record<string, JsonSchema> = {
  version: {
    type: 'string',
    minLength: 1,
    maxLength: 100,
    description: 'Exact version or semver range (same as `{id}@version`).',
  },
  namespace: {
    type: 'string',
    pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
    description: 'Look only in this namespace.',
  },
}

const publishQuery: Record<string, JsonSchema> = {
  message: {type: 'string', minLength: 1, maxLength: 1000, description: 'Commit message of this version.'},
}

const uploadBody = {
  schema: ref('TemplateUpload'),
  gzip: true,
  size: 'upload' as const,
  description:
    'The template folder: JSON with its files, or a .tar.gz of it (Content-Type: application/gzip).',
}

/**
 * The reference the registry resolves, from the path's `{id}` and the `version` and
 * `namespace` query parameters (each may be said once only).
 */
export function refFrom(
  id: string,
  query: {version?: string | undefined; namespace?: string | undefined},
): string {
  if (query.namespace === undefined && query.version === undefined) return id
  const ref = parseRef(id)
  if (query.namespace !== undefined && (ref.namespace !== undefined || ref.id !== undefined)) {
    throw new UsageError(
      'give the namespace once: as namespace/name in the path or as ?namespace=, and not with an id',
    )
  }
  if (query.version !== undefined && ref.spec !== undefined)
    throw new UsageError('give the version once: as name@version in the path or as ?version=, not both')
  return formatRef({
    ...ref,
    ...(query.namespace === undefined ? {} : {namespace: query.namespace}),
    ...(query.version === undefined ? {} : {spec: query.version}),
  })
}

/** Response format of instantiate: the body's `format`, else the Accept header, else JSON. */
function negotiate(req: Request, format: ArchiveFormat | undefined): ArchiveFormat {
  if (format) return format
  const accepted = req.accepts(['application/json', 'application/gzip', 'application/zip'])
  return accepted === 'application/gzip' ? 'tar.gz' : accepted === 'application/zip' ? 'zip' : 'json'
}

async function sendArchive(
  res: Response,
  host: RenderHost,
  format: 'tar.gz' | 'zip',
  files: ReadonlyMap<string, Uint8Array>,
  root: string,
  meta: {name: string; version: string; commit: string},
): Promise<void> {
  // Compressing tens of MiB takes seconds: in the render pool, not on the event loop.
  const packed = await host.pack({files, format, root, tenant: res.req.context.tenant})
  const body = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength)
  const {contentType, headers} = downloadHeaders(format, root, meta)
  sendBody(res, 200, contentType, body, {headers})
}

const archiveHeaders = {
  'Content-Disposition': {description: '`attachment; filename="<root>.<format>"`', schema: {type: 'string'}},
  'X-Maestro-Template': {description: 'Template name', schema: {type: 'string'}},
  'X-Maestro-Version': {description: 'Template version rendered', schema: {type: 'string'}},
  'X-Maestro-Commit': {description: 'Git commit of that version', schema: {type: 'string'}},
}

/**
 * A search body with its words in `text`: the original service's clients send them as
 * `query`, which is accepted too (the same words under both names are fine).
 */
function searchWords({query, ...filters}: SearchQuery & {query?: string}): SearchQuery {
  if (query === undefined) return filters
  if (filters.text !== undefined && filters.text !== query)
    throw new UsageError('give the words to search for once: as text or as query, not both')
  return {...filters, text: query}
}

/** The reference asked for names exactly the version answered (not a range, not the latest). */
function isExactVersion(asked: string, result: unknown): boolean {
  return parseRef(asked).spec === (result as {version?: unknown}).version
}

export const TEMPLATE_ROUTES = (listMax: number): RouteSpec[] => [
  // First: the hot read, matched before anything else.
  defineRoute<{id: string}, {version?: string; namespace?: string}>({
    method: 'get',
    path: '/api/v1/templates/{id}',
    operationId: 'getTemplate',
    summary: 'Get a template: manifest, README, files list, at its latest or a given version',
    tags: [TAG],
    permission: 'template:read',
    params: {id: templateIdParam},
    query: versionQuery,
    cached: true,
    immutable: ({params, query}, result) => isExactVersion(refFrom(params.id, query), result),
    responses: {'200': ok('The template at the version asked for', ref('TemplateDetail'))},
    handle: ({registry, params, query}) => registry.get(refFrom(params.id, query)),
  }),
  defineRoute<Record<string, never>, SearchQuery>({
    method: 'get',
    path: '/api/v1/templates',
    operationId: 'listTemplates',
    summary: 'List templates, filtered and paginated (the query parameters of a search)',
    tags: [TAG],
    permission: 'template:read',
    query: searchFilters(listMax),
    responses: {'200': ok('A page of templates', ref('SearchResult'))},
    handle: ({registry, query}) => registry.search(query),
  }),
  defineRoute<Record<string, never>, {namespace?: string; message?: string}>({
    method: 'post',
    path: '/api/v1/templates',
    operationId: 'createTemplate',
    summary: 'Publish a template: a new template, or a new version of an existing one',
    description:
      'Like `maestro-tpl create`: validates, commits and indexes. 201 for a new template, 200 for a new version or when this version is already published with the same content.',
    tags: [TAG],
    permission: 'template:write',
    query: {namespace: versionQuery.namespace!, ...publishQuery},
    body: uploadBody,
    responses: {
      '201': ok('Published as a new template', ref('PublishResult')),
      '200': ok('Published as a new version, or unchanged', ref('PublishResult')),
    },
    handle: async ({res, deps, registry, query, body}) => {
      const template = parseTemplate(uploadedFiles(body, deps.limits), 'upload')
      const result = await registry.publish({
        template,
        ...(query.message ? {message: query.message} : {}),
        ...(query.namespace ? {namespace: query.namespace} : {}),
      })
      res.statusCode = result.status === 'created' ? 201 : 200
      res.setHeader('Location', `/api/v1/templates/${result.template.id}`)
      return result
    },
  }),
  defineRoute<Record<string, never>, Record<string, never>, SearchQuery & {query?: string}>({
    method: 'post',
    path: '/api/v1/templates/search',
    operationId: 'searchTemplates',
    summary: 'Search templates by text, category, tags, author and score',
    tags: [TAG],
    permission: 'template:read',
    body: {schema: ref('SearchRequest'), optional: true, size: 'json'},
    responses: {'200': ok('Ranked results', ref('SearchResult'))},
    handle: ({registry, body}) => registry.search(searchWords(body)),
  }),
  defineRoute<{id: string}, {message?: string}>({
    method: 'put',
    path: '/api/v1/templates/{id}',
    operationId: 'updateTemplate',
    summary: 'Publish a new version of an existing template',
    description:
      'The manifest must name the template of the path; its version must be new (or the same content).',
    tags: [TAG],
    permission: 'template:write',
    params: {id: templateIdParam},
    query: publishQuery,
    body: uploadBody,
    responses: {'200': ok('Published (or unchanged)', ref('PublishResult'))},
    handle: ({deps, registry, params, query, body}) =>
      registry.update(params.id, {
        template: parseTemplate(uploadedFiles(body, deps.limits), 'upload'),
        ...(query.message ? {message: query.message} : {}),
      }),
  }),
  defineRoute<{id: string}>({
    method: 'delete',
    path: '/api/v1/templates/{id}',
    operationId: 'deleteTemplate',
    summary: 'Delete a template (its git history keeps every published version)',
    tags: [TAG],
    permission: 'template:write',
    params: {id: templateIdParam},
    responses: {'200': ok('Deleted', ref('DeleteResult'))},
    handle: ({registry, params}) => registry.delete(params.id),
  }),
  defineRoute<{id: string}>({
    method: 'post',
    path: '/api/v1/templates/{id}/restore',
    operationId: 'restoreTemplate',
    summary: 'Bring a deleted template back from its git history',
    description:
      'The path names a deleted template of your tenant (`name`, or `namespace%2Fname` for the public catalog, platform admins): ' +
      'its files as they were before it was deleted, or with `@version` (or `@range`) as published at that version, are published again ' +
      'as one new commit, indexed and announced like any publish (quality gate included).',
    tags: [TAG],
    permission: 'template:write',
    params: {id: templateIdParam},
    responses: {'200': ok('Restored', ref('RestoreResult'))},
    handle: ({registry, params}) => registry.restore(params.id),
  }),
  defineRoute<{id: string}, {limit: number; offset: number}>({
    method: 'get',
    path: '/api/v1/templates/{id}/versions',
    operationId: 'listVersions',
    summary: 'Published versions of a template, newest first',
    tags: [TAG],
    permission: 'template:read',
    params: {id: templateIdParam},
    query: {
      limit: {type: 'integer', minimum: 1, maximum: listMax, default: listMax},
      offset: {type: 'integer', minimum: 0, default: 0},
    },
    responses: {'200': ok('A page of versions', ref('VersionList'))},
    handle: ({registry, params, query}): Promise<VersionList> =>
      registry.versionPage(params.id, {offset: query.offset, limit: query.limit}),
  }),
  defineRoute<{id: string; version: string}>({
    method: 'get',
    path: '/api/v1/templates/{id}/versions/{version}',
    operationId: 'getTemplateVersion',
    summary: 'A template at one version (or the newest matching a range)',
    tags: [TAG],
    permission: 'template:read',
    params: {id: templateIdParam, version: {type: 'string', minLength: 1, maxLength: 100}},
    cached: true,
    immutable: ({params}, result) => isExactVersion(refFrom(params.id, {version: params.version}), result),
    responses: {'200': ok('The template at that version', ref('TemplateDetail'))},
    handle: ({registry, params}) => registry.get(refFrom(params.id, {version: params.version})),
  }),
  defineRoute<{id: string}, {version?: string; namespace?: string; format: 'json' | 'tar.gz'}>({
    method: 'get',
    path: '/api/v1/templates/{id}/files',
    operationId: 'getTemplateFiles',
    summary: 'The template folder itself (manifest.yaml, README.md, files/...), as JSON or .tar.gz',
    tags: [TAG],
    permission: 'template:read',
    params: {id: templateIdParam},
    query: {...versionQuery, format: {type: 'string', enum: ['json', 'tar.gz'], default: 'json'}},
    responses: {
      '200': {
        description: 'The folder: JSON with its files, or a .tar.gz (format=tar.gz)',
        schema: ref('TemplateFilesResponse'),
        content: {'application/gzip': {type: 'string', contentMediaType: 'application/gzip'}},
        headers: archiveHeaders,
      },
    },
    handle: async ({res, registry, params, query, deps}) => {
      const {files, detail} = await registry.getFiles(refFrom(params.id, query))
      if (query.format === 'tar.gz') {
        await sendArchive(res, deps.renderHost, 'tar.gz', files, `${detail.name}-${detail.version}`, detail)
        return undefined
      }
      return {template: detail, files: encodeFiles(files)} satisfies TemplateFilesResponse
    },
  }),
  defineRoute<{id: string}, {version?: string; namespace?: string}, InstantiateRequest>({
    method: 'post',
    path: '/api/v1/templates/{id}/instantiate',
    operationId: 'instantiateTemplate',
    summary: 'Render a template into a project: .tar.gz, .zip, or JSON',
    description:
      'Answers are checked against the template parameters before anything is rendered; unanswered parameters take their defaults unless `useDefaults` is false. The format is the body `format`, else the Accept header (application/gzip, application/zip, application/json), else JSON.',
    tags: [TAG],
    permission: 'template:use',
    params: {id: templateIdParam},
    query: versionQuery,
    body: {schema: ref('InstantiateRequest'), optional: true, size: 'json'},
    responses: {
      '200': {
        description: 'The rendered project, .maestro-answers.yaml included',
        schema: ref('InstantiateResponse'),
        content: {
          'application/gzip': {type: 'string', contentMediaType: 'application/gzip'},
          'application/zip': {type: 'string', contentMediaType: 'application/zip'},
        },
        headers: archiveHeaders,
      },
    },
    handle: async ({req, res, registry, params, query, body, deps}) => {
      const format = negotiate(req, body.format)
      const options = {
        ...(body.answers ? {answers: body.answers} : {}),
        useDefaults: body.useDefaults ?? true,
      }
      // A project made here is recorded (GET /projects); a render for an update is not a project.
      const project = body.forUpdate
        ? await registry.instantiate(refFrom(params.id, query), {...options, forUpdate: true})
        : await instantiateRecorded(registry, refFrom(params.id, query), options)
      if (format === 'json') {
        const files = ownRecord<string>()
        for (const [path, bytes] of project.files) files[path] = toBase64(bytes)
        return {
          template: project.template,
          version: project.version,
          commit: project.commit,
          answers: project.answers,
          files,
        } satisfies InstantiateResponse
      }
      const root = body.root ?? project.template
      if (root !== '') assertSafeRelativePath(root, 'archive root')
      await sendArchive(res, deps.renderHost, format, project.files, root, {
        name: project.template,
        version: project.version,
        commit: project.commit,
      })
      return undefined
    },
  }),
]

/**
 * The templates resource.
 *
 * @example
 * ```ts
 * app.use(templatesRouter(deps))
 * ```
 */
export function templatesRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), TEMPLATE_ROUTES(deps.limits.listMax), deps, deps.validators)
}
