/**
 * /api/v1/workflows and /api/v1/executions: publish, list and read workflows; execute
 * them (202, Idempotency-Key), dry-run them, and follow, cancel, retry and download their
 * executions. Everything goes through the daemon's WorkflowRuntime (src/workflows/runtime.ts);
 * tenancy is the runtime's: another tenant's execution is 404.
 */
import express from 'express'
import type {Router} from 'express'

import {encodeFiles} from '../../domain/wire.js'
import {UsageError} from '../../domain/errors.js'
import type {Answers} from '../../domain/types.js'
import type {WorkflowRuntime} from '../../workflows/runtime.js'
import {parseWorkflowFiles} from '../../workflows/package.js'
import {executionArchive, resumeAfter, streamExecutionEvents} from '../../workflows/serve.js'
import {NotImplementedError} from '../problem.js'
import {defineRoute, mountRoutes, sendBody} from '../route.js'
import type {RouteSpec} from '../route.js'
import {ref} from '../schemas.js'
import type {JsonSchema} from '../schemas.js'
import type {RouterDeps} from '../types.js'
import {uploadedFiles} from '../../archive/upload.js'

const TAG = 'workflows'
const idParam = {id: {type: 'string', minLength: 1, maxLength: 200} as JsonSchema}
const executionParam = {
  execution: {
    type: 'string',
    pattern: '^([0-9a-f-]{36}|latest)$',
    description: 'The execution id, or `latest` for your most recent one.',
  } as JsonSchema,
}
const object = (description: string): JsonSchema => ({type: 'object', description})
const ok = (description: string, schema: JsonSchema = object(description)) => ({description, schema})

const runBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    parameters: {type: 'object', description: 'Answers to the workflow parameters.', maxProperties: 200},
    defaults: {type: 'boolean', description: 'Use defaults for unanswered parameters (default true).'},
  },
}

function runtime(deps: RouterDeps): WorkflowRuntime {
  if (!deps.workflows)
    throw new NotImplementedError(
      'this daemon runs without a workflow runtime, so workflows are not available',
      {feature: 'workflows'},
    )
  return deps.workflows
}

export const WORKFLOW_ROUTES = (listMax: number): RouteSpec[] => [
  defineRoute<Record<string, never>, {q?: string; limit?: number; offset?: number}>({
    method: 'get',
    path: '/api/v1/workflows',
    operationId: 'listWorkflows',
    summary: 'List the workflows the caller can run (its tenant and the public catalog)',
    tags: [TAG],
    permission: 'template:use',
    query: {
      q: {type: 'string', minLength: 1, maxLength: 200, description: 'Words to search for.'},
      limit: {type: 'integer', minimum: 1, maximum: listMax, default: 20},
      offset: {type: 'integer', minimum: 0, default: 0},
    },
    responses: {'200': ok('A page of workflows')},
    handle: ({req, deps, query}) =>
      runtime(deps).list(req.context, {
        ...(query.q ? {text: query.q} : {}),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      }),
  }),
  defineRoute<Record<string, never>, {namespace?: string}>({
    method: 'post',
    path: '/api/v1/workflows',
    operationId: 'createWorkflow',
    summary: 'Publish a workflow (workflow.yaml, README.md, examples/) as a new workflow or a new version',
    description:
      'The body is the folder, as JSON with its files or a .tar.gz, like POST /templates. Unknown actions and inputs are refused with 422 and file:line:column.',
    tags: [TAG],
    permission: 'template:write',
    query: {namespace: {type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$'}},
    body: {schema: ref('TemplateUpload'), gzip: true, size: 'upload', description: 'The workflow folder.'},
    responses: {
      '201': ok('Published as a new workflow', ref('PublishResult')),
      '200': ok('Published as a new version, or unchanged', ref('PublishResult')),
    },
    handle: async ({req, res, deps, query, body}) => {
      const workflow = parseWorkflowFiles(uploadedFiles(body, deps.limits), 'upload')
      const result = await runtime(deps).publish(req.context, workflow, query.namespace)
      res.statusCode = result.status === 'created' ? 201 : 200
      res.setHeader('Location', `/api/v1/workflows/${result.template.id}`)
      return result
    },
  }),
  defineRoute<{id: string}>({
    method: 'get',
    path: '/api/v1/workflows/{id}',
    operationId: 'getWorkflow',
    summary:
      'Get a workflow: its definition, parameters and README (`name`, `name@range`, `namespace/name` or id)',
    tags: [TAG],
    permission: 'template:use',
    params: idParam,
    responses: {'200': ok('The workflow')},
    handle: ({req, deps, params}) => runtime(deps).get(req.context, params.id),
  }),
  defineRoute<{id: string}>({
    method: 'delete',
    path: '/api/v1/workflows/{id}',
    operationId: 'deleteWorkflow',
    summary: 'Delete a workflow (its git history keeps every published version)',
    description:
      "As DELETE /templates/{id}: an editor of the namespace (a platform admin for the public catalog). A template's name answers 404; executions already made are kept until their results expire.",
    tags: [TAG],
    permission: 'template:write',
    params: idParam,
    responses: {'200': ok('Deleted', ref('DeleteResult'))},
    handle: ({req, deps, params}) => runtime(deps).delete(req.context, params.id),
  }),
  defineRoute<{id: string}, Record<string, never>, {parameters?: Answers; defaults?: boolean}>({
    method: 'post',
    path: '/api/v1/workflows/{id}/execute',
    operationId: 'executeWorkflow',
    summary: 'Execute a workflow: 202 with the queued execution and its URL',
    description:
      'Answers are checked before anything is queued (422). With `Idempotency-Key`, a repeated request answers the execution the first one made (200) instead of queuing another.',
    tags: [TAG],
    permission: 'template:use',
    params: idParam,
    body: {schema: runBody, optional: true, size: 'json'},
    responses: {
      '202': ok('Queued'),
      '200': ok('The execution an earlier request with this Idempotency-Key made'),
    },
    handle: async ({req, res, deps, params, body}) => {
      const key = req.get('Idempotency-Key')
      if (key !== undefined && (key.length === 0 || key.length > 200))
        throw new UsageError('Idempotency-Key must be 1 to 200 characters')
      const {execution, created} = await runtime(deps).execute(req.context, params.id, {
        answers: body.parameters ?? {},
        useDefaults: body.defaults ?? true,
        idempotencyKey: key,
      })
      const url = `/api/v1/executions/${execution.id}`
      res.statusCode = created ? 202 : 200
      res.setHeader('Location', url)
      return {...execution, url}
    },
  }),
  defineRoute<{id: string}, Record<string, never>, {parameters?: Answers; defaults?: boolean}>({
    method: 'post',
    path: '/api/v1/workflows/{id}/dry-run',
    operationId: 'dryRunWorkflow',
    summary: 'Run a workflow without storing anything: the steps, the file list and previews',
    tags: [TAG],
    permission: 'template:use',
    params: idParam,
    body: {schema: runBody, optional: true, size: 'json'},
    responses: {'200': ok('What the execution would make')},
    handle: ({req, deps, params, body}) =>
      runtime(deps).dryRun(req.context, params.id, {
        answers: body.parameters ?? {},
        useDefaults: body.defaults ?? true,
      }),
  }),
  defineRoute<Record<string, never>, {workflow?: string; limit?: number; offset?: number}>({
    method: 'get',
    path: '/api/v1/executions',
    operationId: 'listExecutions',
    summary: "List the tenant's executions, newest first",
    tags: [TAG],
    permission: 'template:use',
    query: {
      workflow: {type: 'string', minLength: 1, maxLength: 64},
      limit: {type: 'integer', minimum: 1, maximum: listMax, default: 20},
      offset: {type: 'integer', minimum: 0, default: 0},
    },
    responses: {'200': ok('A page of executions')},
    handle: ({req, deps, query}) =>
      runtime(deps).executions(req.context, {
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
        ...(query.workflow ? {workflow: query.workflow} : {}),
      }),
  }),
  defineRoute<{execution: string}>({
    method: 'get',
    path: '/api/v1/executions/{execution}',
    operationId: 'getExecution',
    summary: 'An execution: state, steps (state, attempts, timings, outputs, log lines), outputs',
    tags: [TAG],
    permission: 'template:use',
    params: executionParam,
    responses: {'200': ok('The execution')},
    handle: ({req, deps, params}) => runtime(deps).status(req.context, params.execution),
  }),
  defineRoute<{execution: string}, {after?: number}>({
    method: 'get',
    path: '/api/v1/executions/{execution}/events',
    operationId: 'executionEvents',
    summary: 'Server-sent events of an execution, resumable with Last-Event-ID',
    description:
      'Each event has an `id` (its sequence number), a type (`execution`, `step`, `log`) and JSON data. The stream ends after the event that finishes the execution.',
    tags: [TAG],
    permission: 'template:use',
    params: executionParam,
    query: {after: {type: 'integer', minimum: 0, description: 'Resume after this event (as Last-Event-ID).'}},
    responses: {'200': {description: 'text/event-stream', content: {'text/event-stream': {type: 'string'}}}},
    handle: async ({req, res, deps, params, query}) => {
      await streamExecutionEvents(
        runtime(deps),
        req.context,
        params.execution,
        req,
        res,
        resumeAfter(req, query.after),
      )
      return undefined
    },
  }),
  defineRoute<{execution: string}>({
    method: 'post',
    path: '/api/v1/executions/{execution}/cancel',
    operationId: 'cancelExecution',
    summary: 'Cancel a queued or running execution (a running one stops before its next step)',
    tags: [TAG],
    permission: 'template:use',
    params: executionParam,
    responses: {'202': ok('Cancellation requested')},
    handle: async ({req, res, deps, params}) => {
      res.statusCode = 202
      return runtime(deps).cancel(req.context, params.execution)
    },
  }),
  defineRoute<{execution: string}, Record<string, never>, {secrets?: Answers}>({
    method: 'post',
    path: '/api/v1/executions/{execution}/retry',
    operationId: 'retryExecution',
    summary: 'Queue a failed or cancelled execution again from its failed step (finished steps are kept)',
    tags: [TAG],
    permission: 'template:use',
    params: executionParam,
    body: {
      schema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          secrets: {
            type: 'object',
            maxProperties: 200,
            description: 'Secret answers again, when they could not be kept.',
          },
        },
      },
      optional: true,
      size: 'json',
    },
    responses: {'202': ok('Queued again')},
    handle: async ({req, res, deps, params, body}) => {
      res.statusCode = 202
      return runtime(deps).retry(req.context, params.execution, body.secrets)
    },
  }),
  defineRoute<{execution: string}, {format?: 'tar.gz' | 'zip' | 'json'}>({
    method: 'get',
    path: '/api/v1/executions/{execution}/result',
    operationId: 'executionResult',
    summary: 'The result of a succeeded execution as a .tar.gz (default) or .zip',
    tags: [TAG],
    permission: 'template:use',
    params: executionParam,
    query: {
      format: {
        enum: ['tar.gz', 'zip', 'json'],
        description:
          'Archive format (default: from Accept, else tar.gz); `json` answers the files as JSON (what `workflow run --remote` reads).',
      },
    },
    responses: {
      '200': {
        description: 'The project',
        content: {
          'application/gzip': {type: 'string', format: 'binary'},
          'application/zip': {type: 'string', format: 'binary'},
        },
      },
    },
    handle: async ({req, res, deps, params, query}) => {
      const wf = runtime(deps)
      if (query.format === 'json') {
        const record = await wf.status(req.context, params.execution)
        const {files, git} = await wf.result(req.context, record.id)
        return {files: encodeFiles(files), git: git ? encodeFiles(git) : null}
      }
      const format =
        query.format ??
        (req.accepts(['application/gzip', 'application/zip']) === 'application/zip' ? 'zip' : 'tar.gz')
      const archive = await executionArchive(wf, deps.renderHost, req.context, params.execution, format)
      sendBody(res, 200, archive.contentType, archive.body, {headers: archive.headers})
      return undefined
    },
  }),
]

/**
 * The workflows and executions resource.
 *
 * @example
 * ```ts
 * app.use(workflowsRouter(deps))
 * ```
 */
export function workflowsRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), WORKFLOW_ROUTES(deps.limits.listMax), deps, deps.validators)
}
