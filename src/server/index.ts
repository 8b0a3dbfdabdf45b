/**
 * The daemon: `startServer` for a process, `createApp` for an express app to embed or test.
 *
 * @example
 * ```ts
 * import {startServer} from './server/index.js'
 * const {url, close} = await startServer({config: loadConfig(), port: 8005})
 * ```
 */
export {createApp} from './app.js'
export {DAEMON_CONTEXT, packageVersion, startServer} from './server.js'
export type {RunningServer, StartOptions} from './server.js'
export {Metrics} from './metrics.js'
export {buildOpenApi} from './openapi.js'
export {allRoutes} from './routes/index.js'
export {ANONYMOUS_ADMIN, authenticateAnonymous} from './middleware.js'
export {ResponseCache, notifyingCache} from './response-cache.js'
export type {AppDeps, Authenticate, DaemonRegistry, RouterDeps} from './types.js'
export type {Limits} from '../config.js'
export {DEFAULT_LIMITS} from '../config.js'
