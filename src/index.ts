/**
 * maestro-tpl as a library: the SDK of the daemon, the Registry interface both the
 * local store and the daemon implement, the domain types and the errors with their
 * stable codes.
 *
 * @example
 * ```ts
 * import {NotFoundError, TemplateClient} from 'maestro-tpl'
 *
 * const client = new TemplateClient({baseUrl: 'http://localhost:8005'})
 * try {
 *   const detail = await client.get('fastapi-service')
 *   console.log(detail.manifest.parameters)
 * } catch (err) {
 *   if (err instanceof NotFoundError) console.error('no such template')
 *   else throw err
 * } finally {
 *   await client.close()
 * }
 * ```
 */
export * from './client/index.js'
export * from './domain/errors.js'
export type * from './domain/types.js'
export {PUBLIC_NAMESPACE} from './domain/types.js'
export type * from './registry/types.js'
export type {CheckId, CheckResult, CheckStatus, Finding, QualityReport, Severity} from './quality/types.js'
export type {RegistryQualityReport} from './quality/report.js'
