import {BaseCommand} from '../src/cli/base-command.js'
import type {ReindexResult} from '../src/registry/types.js'
import {table} from '../src/ui/table.js'

export default class Reindex extends BaseCommand<typeof Reindex> {
  static override description = 'Rebuild the search index and version history from the git repositories'
  static override examples = [
    '<%= config.bin %> reindex',
    '<%= config.bin %> reindex --store ./my-store --json',
  ]

  // Reindex is what brings a store and an index that do not match together: it must not be
  // refused by the start-up checks it repairs.
  protected override localStartup(): {startup: 'rebuild'} {
    return {startup: 'rebuild'}
  }

  async run(): Promise<ReindexResult> {
    const registry = await this.registry()
    const result = await registry.reindex()
    if (!this.jsonEnabled()) {
      this.log(
        table(
          result.namespaces.map((n) => ({...n, commit: n.commit?.slice(0, 12) ?? '-'})),
          [
            {key: 'namespace', header: 'NAMESPACE'},
            {key: 'templates', header: 'TEMPLATES', align: 'right'},
            {key: 'versions', header: 'VERSIONS', align: 'right'},
            {key: 'commit', header: 'HEAD'},
          ],
        ),
      )
    }
    return result
  }
}
