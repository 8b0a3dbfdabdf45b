/**
 * Every route of the daemon, in the order they are matched: the one table that both
 * mounts the handlers and generates /openapi.json.
 */
import type {RouteSpec} from '../route.js'
import {ADMIN_ROUTES} from './admin.js'
import {AUTH_ROUTES} from './auth.js'
import {PROJECT_ROUTES} from './projects.js'
import {QUALITY_ROUTES} from './quality.js'
import {SYSTEM_ROUTES} from './system.js'
import {TEMPLATE_ROUTES} from './templates.js'
import {WORKFLOW_ROUTES} from './workflows.js'

export {adminRouter} from './admin.js'
export {authRouter} from './auth.js'
export {projectsRouter} from './projects.js'
export {qualityRouter} from './quality.js'
export {systemRouter} from './system.js'
export {templatesRouter} from './templates.js'
export {workflowsRouter} from './workflows.js'

/**
 * The whole route table (handlers included) for a page-size ceiling of `listMax`.
 *
 * @example
 * ```ts
 * const doc = buildOpenApi(allRoutes(100), {version: '0.1.0', listMax: 100})
 * ```
 */
export function allRoutes(listMax: number, document: () => string = () => '{}'): RouteSpec[] {
  return [
    ...TEMPLATE_ROUTES(listMax),
    ...PROJECT_ROUTES(listMax),
    ...QUALITY_ROUTES(),
    ...AUTH_ROUTES(),
    ...ADMIN_ROUTES(),
    ...WORKFLOW_ROUTES(listMax),
    ...SYSTEM_ROUTES(document),
  ]
}
