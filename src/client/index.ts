/**
 * The SDK as this package uses it: the CLI's remote mode (RemoteRegistry), the mirror
 * and `maestro-tpl` as a library all take it from the @maestro-tpl/client workspace
 * package (packages/client), the same code its own tarball ships.
 *
 * @example
 * ```ts
 * import {TemplateClient} from 'maestro-tpl'
 * const client = new TemplateClient({baseUrl: 'http://localhost:8005'})
 * ```
 */
export {
  TemplateClient,
  RemoteRegistry,
  RemoteProtocolError,
  RemoteUnavailableError,
  problemToError,
} from '../../packages/client/src/index.js'
export type {
  ApiTokenInfo,
  ArchiveOptions,
  ArchiveResult,
  ClientInstantiateOptions,
  CreatedApiToken,
  TemplateClientOptions,
  TemplateSource,
  TenantInfo,
  TokenPair,
  UserInfo,
} from '../../packages/client/src/index.js'
export {decodeFiles, encodeFiles} from '../domain/wire.js'
export type * from '../domain/wire.js'
