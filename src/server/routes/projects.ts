/**
 * Keeping generated projects up to date over the API: the diff between two versions of
 * a template, the update of an uploaded project (the computation `maestro-tpl update`
 * runs, src/update/update.ts), and the projects the registry knows of.
 */
import {randomUUID} from 'node:crypto'

import express from 'express'
import type {Router} from 'express'

import {decodeFiles, toBase64} from '../../domain/wire.js'
import type {WireFiles} from '../../domain/wire.js'
import {UsageError} from '../../domain/errors.js'
import {ownRecord} from '../../domain/records.js'
import type {Answers} from '../../domain/types.js'
import type {RenderedProject} from '../../registry/types.js'
import {ANSWERS_FILE} from '../../update/answers-file.js'
import {computeUpdate, diffVersions, memoryProject, readProjectAnswers} from '../../update/update.js'
import {defineRoute, mountRoutes} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref, templateIdParam} from '../schemas.js'
import type {JsonSchema} from '../schemas.js'
import type {Limits} from '../../config.js'
import type {DaemonRegistry, RouterDeps} from '../types.js'
import {unpackTarGz} from '../../archive/archive.js'

const TAG = 'projects'
const VERSION = {type: 'string', minLength: 1, maxLength: 100}
const ANSWERS = {type: 'object', description: 'Answers by parameter name', additionalProperties: true}
const TO = {
  description:
    'Target VERSION or RANGE, or NAME@VERSION for one template of a workflow project (default: the newest compatible with the recorded version)',
  oneOf: [VERSION, {type: 'array', items: VERSION, maxItems: 50}],
}
const CONFLICT = {type: 'string', enum: ['inline', 'rej'], default: 'inline'}

const FILE_PLAN: JsonSchema = {
  type: 'object',
  properties: {
    path: {type: 'string'},
    fate: {
      type: 'string',
      enum: ['unchanged', 'updated', 'merged', 'conflict', 'added', 'removed', 'kept-deleted', 'kept'],
    },
    movedFrom: {type: 'string'},
    reason: {type: 'string'},
    conflicts: {type: 'integer'},
    rej: {type: 'string'},
    patch: {type: 'string', description: 'Unified diff from the project copy to the result'},
  },
  required: ['path', 'fate'],
}

const PROJECT: JsonSchema = {
  type: 'object',
  properties: {
    id: {type: 'string'},
    tenant: {type: 'string'},
    template_id: {type: 'string'},
    namespace: {type: 'string'},
    template: {type: 'string'},
    version: {type: 'string'},
    commit: {type: 'string'},
    source: {type: 'string', enum: ['instantiate', 'register']},
    name: {type: ['string', 'null']},
    created_by: {type: 'string'},
    created_at: {type: 'string'},
    updated_at: {type: 'string'},
    newer_compatible: {type: ['string', 'null']},
    outdated: {type: 'boolean'},
  },
}

interface DiffBody {
  from: string
  to: string
  answers?: Record<string, unknown>
}

interface UpdateBody {
  files: WireFiles
  to?: string | string[]
  answers?: Record<string, unknown>
  conflict?: 'inline' | 'rej'
}

interface RegisterBody {
  id?: string
  template: string
  version: string
  name?: string
}

/** An uploaded project: its files, with one top folder (`tar czf p.tgz billing/`) taken off. */
function projectFiles(body: unknown, limits: Limits): Map<string, Uint8Array> {
  const files = Buffer.isBuffer(body)
    ? unpackTarGz(body, {
        unpackedBytes: limits.unpackedBytes,
        entries: limits.uploadEntries,
        maxRatio: limits.maxRatio,
        ratioFloor: limits.ratioFloor,
      })
    : decodeFiles((body as UpdateBody).files)
  if (files.size > limits.uploadEntries)
    throw new UsageError(`the project has ${files.size} files; at most ${limits.uploadEntries} are accepted`)
  if (files.has(ANSWERS_FILE)) return files
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0]))
  const [top] = tops
  if (tops.size === 1 && top !== undefined && files.has(`${top}/${ANSWERS_FILE}`)) {
    const out = new Map<string, Uint8Array>()
    for (const [path, bytes] of files) out.set(path.slice(top.length + 1), bytes)
    return out
  }
  throw new UsageError(`the project holds no ${ANSWERS_FILE} at its root; upload the folder maestro-tpl made`)
}

const asList = (to: string | string[] | undefined): string[] => (to === undefined ? [] : [to].flat())

export const PROJECT_ROUTES = (listMax: number): RouteSpec[] => [
  defineRoute<{id: string}, Record<string, never>, DiffBody>({
    method: 'post',
    path: '/api/v1/templates/{id}/diff',
    operationId: 'diffTemplateVersions',
    summary: 'The patch between two versions of a template, both rendered with the same answers',
    description:
      'Each file of either render with its fate (unchanged, updated, added, removed) and a unified diff; migrations the newer version declares apply, as they would to a project.',
    tags: [TAG],
    permission: 'template:read',
    params: {id: templateIdParam},
    body: {
      schema: {
        type: 'object',
        properties: {from: VERSION, to: VERSION, answers: ANSWERS},
        required: ['from', 'to'],
        additionalProperties: false,
      },
      size: 'json',
    },
    responses: {
      '200': {
        description: 'The files and their patches',
        schema: {
          type: 'object',
          properties: {
            template: {type: 'string'},
            namespace: {type: 'string'},
            from: {type: 'string'},
            to: {type: 'string'},
            migrations: {type: 'integer'},
            files: {type: 'array', items: FILE_PLAN},
          },
        },
      },
    },
    handle: ({registry, params, body}) => {
      if (params.id.includes('@'))
        throw new UsageError('give the versions as from and to, not @version in the path')
      return diffVersions(registry, params.id, body)
    },
  }),
  defineRoute<{id: string}, {to?: string; conflict?: 'inline' | 'rej'}, UpdateBody | Buffer>({
    method: 'post',
    path: '/api/v1/templates/{id}/update',
    operationId: 'updateProject',
    summary: "Update a generated project: its files in, every file's fate and the merged result out",
    description:
      'Exactly what `maestro-tpl update` computes: the recorded version rendered with the recorded answers, the target rendered with the same answers plus new ones, merged three ways with the uploaded files. Nothing is stored. The body is JSON (`files` base64 by path) or a .tar.gz of the project folder (then `to` and `conflict` come as query parameters). `changes` holds each file to write (base64) or delete (null), .maestro-answers.yaml included; `status` is `conflicts` when some need a person.',
    tags: [TAG],
    permission: 'template:use',
    params: {id: templateIdParam},
    query: {to: VERSION, conflict: CONFLICT},
    body: {
      schema: {
        type: 'object',
        properties: {
          files: ref('WireFiles'),
          to: TO,
          answers: ANSWERS,
          conflict: CONFLICT,
        },
        required: ['files'],
        additionalProperties: false,
      },
      gzip: true,
      size: 'upload',
    },
    responses: {
      '200': {
        description: 'The update: each file with its fate, and the changes to write',
        schema: {
          type: 'object',
          properties: {
            status: {type: 'string', enum: ['current', 'updated', 'conflicts']},
            templates: {type: 'array', items: {type: 'object'}},
            files: {type: 'array', items: FILE_PLAN},
            conflicts: {type: 'array', items: {type: 'string'}},
            changes: {
              type: 'object',
              additionalProperties: {type: ['string', 'null'], contentEncoding: 'base64'},
            },
          },
        },
      },
    },
    handle: async ({deps, registry, params, query, body}) => {
      const json = Buffer.isBuffer(body) ? undefined : body
      const files = projectFiles(body, deps.limits)
      const project = memoryProject(files)
      const detail = await registry.get(params.id)
      const {entries} = await readProjectAnswers(project, 'the uploaded project')
      if (!entries.some((e) => e.template.split('/').pop() === detail.name))
        throw new UsageError(
          `the project was made from ${entries.map((e) => e.template).join(', ')}, not ${detail.name}`,
        )
      const to = [...asList(json?.to), ...asList(query.to)]
      const {report, changes} = await computeUpdate(registry, project, {
        to,
        answers: json?.answers ?? {},
        conflict: json?.conflict ?? query.conflict ?? 'inline',
      })
      const out = ownRecord<string | null>()
      for (const [path, bytes] of changes) out[path] = bytes === null ? null : toBase64(bytes)
      return {...report, changes: out}
    },
  }),
  defineRoute<Record<string, never>, {outdated?: boolean; template?: string; limit: number; offset: number}>({
    method: 'get',
    path: '/api/v1/projects',
    operationId: 'listProjects',
    summary: "The caller's tenant's projects, newest first; outdated=true for those behind their template",
    description:
      'Projects made through the daemon, and those a CLI registered (`maestro-tpl register --remote`). A project is outdated when a newer version compatible with its own (^x.y.z) is published.',
    tags: [TAG],
    permission: 'template:use',
    query: {
      outdated: {type: 'boolean'},
      template: {type: 'string', minLength: 1, maxLength: 200},
      limit: {type: 'integer', minimum: 1, maximum: listMax, default: Math.min(50, listMax)},
      offset: {type: 'integer', minimum: 0, default: 0},
    },
    responses: {
      '200': {
        description: 'A page of projects',
        schema: {
          type: 'object',
          properties: {
            items: {type: 'array', items: PROJECT},
            total: {type: 'integer'},
            limit: {type: 'integer'},
            offset: {type: 'integer'},
          },
        },
      },
    },
    handle: ({registry, query}) =>
      registry.projects().list({
        ...(query.outdated !== undefined ? {outdated: query.outdated} : {}),
        ...(query.template !== undefined ? {template: query.template} : {}),
        limit: query.limit,
        offset: query.offset,
      }),
  }),
  defineRoute<Record<string, never>, Record<string, never>, RegisterBody>({
    method: 'post',
    path: '/api/v1/projects',
    operationId: 'registerProject',
    summary: 'Register a project made elsewhere (or report its new version), so GET /projects sees it',
    description:
      "Without `id` a new project is recorded (201) and its id returned, to be written into its .maestro-answers.yaml; with the id of one of this tenant's projects, its version is moved (200).",
    tags: [TAG],
    permission: 'template:use',
    body: {
      schema: {
        type: 'object',
        properties: {
          id: {type: 'string', format: 'uuid'},
          template: {type: 'string', minLength: 1, maxLength: 300},
          version: VERSION,
          name: {type: 'string', minLength: 1, maxLength: 200},
        },
        required: ['template', 'version'],
        additionalProperties: false,
      },
      size: 'json',
    },
    responses: {
      '201': {description: 'Recorded', schema: PROJECT},
      '200': {description: 'Moved to the new version', schema: PROJECT},
    },
    handle: async ({res, registry, body}) => {
      const detail = await registry.get(`${body.template}@${body.version}`)
      const id = body.id ?? randomUUID()
      const found = await registry.recordProject({
        id,
        template_id: detail.id,
        namespace: detail.namespace,
        template: detail.name,
        version: detail.version,
        commit: detail.commit,
        source: 'register',
        name: body.name ?? null,
      })
      res.statusCode = body.id === undefined ? 201 : 200
      return found
    },
  }),
]

/**
 * Records a project made by `POST /templates/{id}/instantiate`: a new id, written into
 * its .maestro-answers.yaml by the registry and carried by the usage event.
 */
export async function instantiateRecorded(
  registry: DaemonRegistry,
  ref: string,
  options: {answers?: Answers; useDefaults: boolean},
): Promise<RenderedProject & {project: string}> {
  const project = randomUUID()
  const detail = await registry.get(ref)
  const rendered = await registry.instantiate(`${detail.namespace}/${detail.name}@${detail.version}`, {
    ...options,
    project,
  })
  await registry.recordProject({
    id: project,
    template_id: detail.id,
    namespace: detail.namespace,
    template: detail.name,
    version: rendered.version,
    commit: rendered.commit,
    source: 'instantiate',
    name: null,
  })
  return {...rendered, project}
}

/**
 * The projects resource, and the update and diff routes of templates.
 *
 * @example
 * ```ts
 * app.use(projectsRouter(deps))
 * ```
 */
export function projectsRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), PROJECT_ROUTES(deps.limits.listMax), deps, deps.validators)
}
