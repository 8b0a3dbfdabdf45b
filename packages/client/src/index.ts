/**
 * @maestro-tpl/client: the TypeScript SDK of the maestro-tpl daemon. A typed client of
 * its REST API and the Registry interface over it, on Node's own fetch: installing it
 * installs nothing else.
 *
 * @example
 * ```ts
 * import {TemplateClient} from '@maestro-tpl/client'
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
export {RemoteRegistry} from './remote-registry.js'
export {RemoteProtocolError, RemoteUnavailableError, problemToError} from './errors.js'
export {decodeFiles, encodeFiles} from '../../../src/domain/wire.js'
export type * from '../../../src/domain/wire.js'
export type {ApiTokenInfo, CreatedApiToken, TokenPair, UserInfo} from '../../../src/domain/accounts.js'
// What the answers are made of, so that a program can name the types it receives.
export * from '../../../src/domain/errors.js'
export type * from '../../../src/domain/registry.js'
export type * from '../../../src/domain/types.js'
export {CATEGORIES, isCategory} from '../../../src/domain/types.js'
export type * from '../../../src/domain/quality.js'
