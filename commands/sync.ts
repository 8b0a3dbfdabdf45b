import {join} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {formatGitSync, formatMirror} from '../src/cli/sync-output.js'
import {UsageError} from '../src/domain/errors.js'
import {CATEGORIES} from '../src/domain/types.js'
import type {SyncSummary} from '../src/sync/git-sync.js'
import type {MirrorSummary} from '../src/sync/mirror.js'

const MIRROR = 'mirror a daemon (--from-remote)'

export default class Sync extends BaseCommand<typeof Sync> {
  static override description =
    "Pull and push a namespace's git repository to a remote over HTTP(S), fast-forward only; or mirror a daemon's templates into the local store for offline use (--from-remote)"
  static override examples = [
    '<%= config.bin %> sync --from-remote https://templates.example.com --namespace acme',
    '<%= config.bin %> sync --from-remote http://localhost:8005 --category backend_developer --tag python --json',
    '<%= config.bin %> sync --remote-url https://git.example.com/team/templates.git',
    '<%= config.bin %> sync local --remote-url https://git.example.com/team/templates.git --pull',
    'MAESTRO_GIT_TOKEN=... <%= config.bin %> sync acme --remote-url https://git.example.com/acme.git --push --json',
  ]
  static override args = {
    namespace: Args.string({description: 'namespace whose repository to sync (default: local)'}),
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
    'from-remote': Flags.string({
      description:
        'URL of a maestro-tpl daemon whose templates (every version) to mirror into the local store; a second run moves only what changed (token: MAESTRO_TOKEN, or your `login` to that daemon)',
      helpGroup: 'MIRROR',
      exclusive: ['pull', 'push'],
    }),
    namespace: Flags.string({
      description: 'with --from-remote: only this namespace of the daemon (default: all the caller can read)',
      helpGroup: 'MIRROR',
      dependsOn: ['from-remote'],
    }),
    query: Flags.string({
      description: 'with --from-remote: only templates matching these words',
      helpGroup: 'MIRROR',
      dependsOn: ['from-remote'],
    }),
    category: Flags.option({
      description: 'with --from-remote: only templates of this category',
      options: CATEGORIES,
      helpGroup: 'MIRROR',
      dependsOn: ['from-remote'],
    })(),
    tag: Flags.string({
      description: 'with --from-remote: only templates with this tag (repeatable: all must match)',
      helpGroup: 'MIRROR',
      multiple: true,
      multipleNonGreedy: true,
      dependsOn: ['from-remote'],
    }),
    into: Flags.string({
      description: 'with --from-remote: the local namespace to mirror into (default: mirror-<host>[-<port>])',
      helpGroup: 'MIRROR',
      dependsOn: ['from-remote'],
    }),
  }

  async run(): Promise<SyncSummary | MirrorSummary> {
    if (this.flags.remote)
      throw new UsageError('sync works on a local store; leave out --remote (MAESTRO_REMOTE)')
    return this.flags['from-remote'] ? this.mirror(this.flags['from-remote']) : this.gitSync()
  }

  async mirror(url: string): Promise<MirrorSummary> {
    const {flags} = this
    if (this.args.namespace !== undefined) {
      throw new UsageError(
        `${MIRROR} takes no NAMESPACE argument: say --namespace for the daemon's, --into for the local one`,
      )
    }
    const [{mirrorIntoStore}, {importProgress}, config] = await Promise.all([
      import('../src/sync/mirror.js'),
      import('../src/ui/progress.js'),
      this.maestroConfig(),
    ])
    const summary = await mirrorIntoStore({
      config,
      url,
      // MAESTRO_TOKEN, else the sign-in `maestro-tpl login --remote URL` stored for this daemon.
      token: await this.bearerToken(url),
      into: flags.into,
      filter: {
        ...(flags.query ? {text: flags.query} : {}),
        ...(flags.category ? {category: flags.category} : {}),
        ...(flags.tag ? {tags: flags.tag} : {}),
        ...(flags.namespace ? {namespace: flags.namespace} : {}),
      },
      onProgress: this.interactive ? importProgress() : undefined,
    })
    if (!this.jsonEnabled()) this.log(formatMirror(summary))
    return summary
  }

  async gitSync(): Promise<SyncSummary> {
    const {args, flags} = this
    const url = flags['remote-url']
    const [{GitStore}, {authFromEnv, syncNamespace}, {remotePolicy}, {transferProgress}, config] =
      await Promise.all([
        import('../src/store/git-store.js'),
        import('../src/sync/git-sync.js'),
        import('../src/sync/remote-policy.js'),
        import('../src/ui/progress.js'),
        this.maestroConfig(),
      ])
    const repo = new GitStore(join(config.home, 'git')).repo(args.namespace ?? 'local')
    const registry = await this.registry()
    const reconcile = (registry as {reconcile?: () => Promise<void>}).reconcile?.bind(registry)
    const progress = this.interactive ? transferProgress() : undefined
    try {
      const summary = await syncNamespace(repo, {
        url,
        ...(flags.pull ? {pull: true} : {}),
        ...(flags.push ? {push: true} : {}),
        auth: authFromEnv(),
        // A developer may sync with a server on their LAN; MAESTRO_SYNC_ALLOW_PRIVATE=false tightens it.
        policy: remotePolicy(config, {allowPrivateByDefault: true}),
        ...(reconcile ? {afterPull: () => reconcile()} : {}),
        ...(progress ? {onProgress: progress.update} : {}),
      })
      progress?.done()
      if (!this.jsonEnabled()) this.log(formatGitSync(summary))
      return summary
    } finally {
      progress?.done()
    }
  }
}
