/**
 * What the web catalog needs from the daemon, named here so src/web depends on the
 * services it uses and not on src/server (which mounts it). The daemon's router
 * dependencies satisfy this as they are.
 */
import type {ServerResponse} from 'node:http'

import type {Logger} from 'pino'

import type {RateLimiter} from '../auth/rate-limit.js'
import type {AuthService} from '../auth/service.js'
import type {Config} from '../config.js'
import type {Registry, RequestContext} from '../registry/types.js'
import type {RenderHost} from '../sandbox/host.js'
import type {WorkflowRuntime} from '../workflows/runtime.js'

/** The registry as the catalog reads it: per visitor, with counts for the cards. */
export interface WebRegistry extends Registry {
  withContext(context: RequestContext): WebRegistry
  usageOf(ids: readonly string[]): Promise<Map<string, number>>
}

export interface WebDeps {
  registry: WebRegistry
  /** Users and sessions; without it (ENABLE_RBAC=false) there is no sign-in. */
  auth: AuthService | undefined
  config: Config
  logger: Logger
  limits: {jsonBody: number}
  loginLimiter: RateLimiter
  /** Scores templates and packs archives off the event loop. */
  renderHost: RenderHost
  /** Workflows and their executions; without it the workflow pages say they are not available. */
  workflows?: WorkflowRuntime | undefined
}

/** Writes a whole answer; `headers` go on top (the CSP, Content-Disposition...). */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status
  res.setHeader('Content-Type', contentType)
  res.setHeader('Content-Length', typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
  res.setHeader('Cache-Control', 'no-store')
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
  res.end(body)
}
