/**
 * /api/v1/workflows: reserved. Workflows (multi-template scaffolding recipes) are not
 * built yet, so every endpoint answers 501 with a problem that says so, rather than a
 * 404 that would suggest a typo in the URL.
 */
import express from 'express'
import type {Router} from 'express'

import {defineRoute, mountRoutes} from '../route.js'
import type {RouteSpec} from '../route.js'
import {NotImplementedError} from '../problem.js'
import type {RouterDeps} from '../types.js'

const TAG = 'workflows'

const notYet = (what: string) => () => {
  throw new NotImplementedError(
    `workflows are not available yet in this version of maestro-tpl, so ${what} is not possible; nothing was stored or run. Use the templates endpoints meanwhile.`,
    {feature: 'workflows'},
  )
}

const idParam = {id: {type: 'string', minLength: 1, maxLength: 200}}

export const WORKFLOW_ROUTES = (): RouteSpec[] => [
  defineRoute({
    method: 'get',
    path: '/api/v1/workflows',
    operationId: 'listWorkflows',
    summary: 'List workflows (not available yet: answers 501)',
    tags: [TAG],
    permission: 'user',
    responses: {},
    handle: notYet('listing workflows'),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workflows',
    operationId: 'createWorkflow',
    summary: 'Create a workflow (not available yet: answers 501)',
    tags: [TAG],
    permission: 'template:write',
    responses: {},
    handle: notYet('creating a workflow'),
  }),
  defineRoute({
    method: 'get',
    path: '/api/v1/workflows/{id}',
    operationId: 'getWorkflow',
    summary: 'Get a workflow (not available yet: answers 501)',
    tags: [TAG],
    permission: 'user',
    params: idParam,
    responses: {},
    handle: notYet('reading a workflow'),
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/workflows/{id}/execute',
    operationId: 'executeWorkflow',
    summary: 'Execute a workflow (not available yet: answers 501)',
    tags: [TAG],
    permission: 'template:use',
    params: idParam,
    responses: {},
    handle: notYet('executing a workflow'),
  }),
]

/**
 * The workflows resource (501 until workflows exist).
 *
 * @example
 * ```ts
 * app.use(workflowsRouter(deps))
 * ```
 */
export function workflowsRouter(deps: RouterDeps): Router {
  return mountRoutes(express.Router(), WORKFLOW_ROUTES(), deps, deps.validators)
}
