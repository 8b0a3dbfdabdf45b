/**
 * The SDK: a typed client of the daemon's REST API, and the Registry interface over it.
 *
 * @example
 * ```ts
 * import {TemplateClient} from 'maestro-tpl'
 * const client = new TemplateClient({baseUrl: 'http://localhost:8005'})
 * ```
 */
export {TemplateClient} from './template-client.js'
export type {
  ArchiveOptions,
  ArchiveResult,
  ClientInstantiateOptions,
  TemplateClientOptions,
  TemplateSource,
  TenantInfo,
} from './template-client.js'
export type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from '../auth/service.js'
export {RemoteRegistry} from './remote-registry.js'
export {RemoteProtocolError, RemoteUnavailableError, problemToError} from './errors.js'
export {decodeFiles, encodeFiles} from '../domain/wire.js'
export type * from '../domain/wire.js'
