import {join} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {UsageError} from '../src/domain/errors.js'
import type {SyncSummary} from '../src/sync/git-sync.js'
import {table} from '../src/ui/table.js'

export default class Sync extends BaseCommand<typeof Sync> {
  static override description =
    "Pull and push a namespace's git repository to a remote over HTTP(S), fast-forward only"
  static override examples = [
    '<%= config.bin %> sync --remote-url https://git.example.com/team/templates.git',
    '<%= config.bin %> sync local --remote-url https://git.example.com/team/templates.git --pull',
    'MAESTRO_GIT_TOKEN=... <%= config.bin %> sync acme --remote-url https://git.example.com/acme.git --push --json',
  ]
  static override args = {
    namespace: Args.string({description: 'namespace whose repository to sync', default: 'local'}),
  }
  static override flags = {
    'remote-url': Flags.string({
      description:
        "http(s) URL of the git repository to sync with, remembered as the namespace's origin (default: the remembered one; credentials: MAESTRO_GIT_TOKEN, or MAESTRO_GIT_USERNAME and MAESTRO_GIT_PASSWORD)",
      env: 'MAESTRO_GIT_REMOTE',
    }),
    pull: Flags.boolean({
      description: 'fetch and fast-forward the local repository (default: pull then push)',
    }),
    push: Flags.boolean({description: 'push the local repository to the remote (default: pull then push)'}),
  }

  async run(): Promise<SyncSummary> {
    const {args, flags} = this
    if (flags.remote) throw new UsageError('sync works on a local store; leave out --remote (MAESTRO_REMOTE)')
    const url = flags['remote-url']
    const [{GitStore}, {authFromEnv, syncNamespace}, {remotePolicy}, config] = await Promise.all([
      import('../src/store/git-store.js'),
      import('../src/sync/git-sync.js'),
      import('../src/sync/remote-policy.js'),
      this.maestroConfig(),
    ])
    const repo = new GitStore(join(config.home, 'git')).repo(args.namespace)
    const registry = await this.registry()
    const reconcile = (registry as {reconcile?: () => Promise<void>}).reconcile?.bind(registry)
    const progress = this.interactive
      ? (event: {phase: string; loaded: number; total?: number}) => {
          const of = event.total ? `/${event.total}` : ''
          process.stderr.write(`\r\x1b[K${event.phase} ${event.loaded}${of}`)
        }
      : undefined
    const summary = await syncNamespace(repo, {
      url,
      ...(flags.pull ? {pull: true} : {}),
      ...(flags.push ? {push: true} : {}),
      auth: authFromEnv(),
      // A developer may sync with a server on their LAN; MAESTRO_SYNC_ALLOW_PRIVATE=false tightens it.
      policy: remotePolicy(config, {allowPrivateByDefault: true}),
      ...(reconcile ? {afterPull: () => reconcile()} : {}),
      ...(progress ? {onProgress: progress} : {}),
    })
    if (progress) process.stderr.write('\r\x1b[K')
    if (!this.jsonEnabled()) {
      const {added, changed, removed} = summary.templates
      this.log(
        table(
          [
            {
              namespace: summary.namespace,
              fetched: summary.fetched,
              pushed: summary.pushed,
              added: added.length,
              changed: changed.length,
              removed: removed.length,
              head: summary.head?.slice(0, 12) ?? '-',
            },
          ],
          [
            {key: 'namespace', header: 'NAMESPACE'},
            {key: 'fetched', header: 'FETCHED', align: 'right'},
            {key: 'pushed', header: 'PUSHED', align: 'right'},
            {key: 'added', header: 'ADDED', align: 'right'},
            {key: 'changed', header: 'CHANGED', align: 'right'},
            {key: 'removed', header: 'REMOVED', align: 'right'},
            {key: 'head', header: 'HEAD'},
          ],
        ),
      )
      for (const [label, names] of [
        ['added', added],
        ['changed', changed],
        ['removed', removed],
      ] as const) {
        if (names.length > 0) this.log(`${label}: ${names.join(', ')}`)
      }
    }
    return summary
  }
}
