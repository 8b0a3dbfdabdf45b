/**
 * RemoteRegistry: the Registry interface over a daemon, so every CLI verb works with
 * `--remote URL` (or MAESTRO_REMOTE) exactly as it does on the local store.
 */
import {UsageError} from '../../../src/domain/errors.js'
import type {RegistryQualityReport} from '../../../src/domain/quality.js'
import type {
  DeleteResult,
  RestoreResult,
  InstantiateOptions,
  PublishInput,
  PublishResult,
  ReindexResult,
  Registry,
  RenderedProject,
  SearchQuery,
  SearchResult,
  TemplateDetail,
  UpdateInput,
} from '../../../src/domain/registry.js'
import type {LoadedTemplate, VersionInfo} from '../../../src/domain/types.js'
import {TemplateClient} from './template-client.js'

/**
 * A {@link Registry} whose every call is a request to a maestro-tpl daemon. Errors
 * arrive as the same domain error classes with the same codes, so commands print the
 * same messages and exit with the same codes as they do locally.
 *
 * @example
 * ```ts
 * const registry: Registry = new RemoteRegistry({url: 'http://localhost:8005', token: process.env.MAESTRO_TOKEN})
 * const {items} = await registry.search({text: 'api'})
 * await registry.close()
 * ```
 */
export class RemoteRegistry implements Registry {
  readonly client: TemplateClient

  constructor(options: {url: string; token?: string | undefined}) {
    this.client = new TemplateClient({baseUrl: options.url, token: options.token})
  }

  search(query: SearchQuery): Promise<SearchResult> {
    return this.client.search(query)
  }

  get(ref: string): Promise<TemplateDetail> {
    return this.client.get(ref)
  }

  async getFiles(ref: string): Promise<LoadedTemplate & {detail: TemplateDetail}> {
    const {template, files} = await this.client.files(ref)
    return {manifest: template.manifest, readme: template.readme, files, detail: template}
  }

  versions(ref: string): Promise<VersionInfo[]> {
    return this.client.versions(ref)
  }

  publish(input: PublishInput): Promise<PublishResult> {
    return this.client.create(input.template.files, {
      ...(input.namespace ? {namespace: input.namespace} : {}),
      ...(input.message ? {message: input.message} : {}),
    })
  }

  update(ref: string, input: UpdateInput): Promise<PublishResult> {
    // The daemon writes the new version where the template is: PUT takes no namespace.
    if (input.namespace !== undefined)
      throw new UsageError(
        'an update through a daemon goes to the namespace of the template; leave namespace out',
      )
    return this.client.update(ref, input.template.files, input.message ? {message: input.message} : {})
  }

  delete(ref: string): Promise<DeleteResult> {
    return this.client.delete(ref)
  }

  restore(ref: string): Promise<RestoreResult> {
    return this.client.restore(ref)
  }

  instantiate(ref: string, options: InstantiateOptions = {}): Promise<RenderedProject> {
    return this.client.instantiate(ref, {
      ...(options.answers ? {answers: options.answers} : {}),
      useDefaults: options.useDefaults ?? true,
      ...(options.forUpdate ? {forUpdate: true} : {}),
    })
  }

  reindex(): Promise<ReindexResult> {
    return this.client.reindex()
  }

  qualityReport(opts: {minScore?: number} = {}): Promise<RegistryQualityReport> {
    return this.client.qualityReport(opts)
  }

  close(): Promise<void> {
    return this.client.close()
  }
}
