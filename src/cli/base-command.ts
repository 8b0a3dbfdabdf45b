import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import type {TemplateClient} from '../client/index.js'
import type {Config} from '../config.js'
import type {Accounts} from './accounts.js'
import {UsageError, isMaestroError} from '../domain/errors.js'
import type {Registry, RequestContext} from '../registry/types.js'
import type {LocalRegistry} from '../registry/local-registry.js'
import type {Workflows} from './workflows.js'
import type {LocalRenderHost} from '../sandbox/local-host.js'
import type {JobKind} from '../sandbox/host.js'
import type {ImportProgress, TemplateFileEntry} from '../domain/registry.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/**
 * A flag's own parser (a file flag whose file is missing, a custom parse) throws a plain
 * Error that oclif only prefixes with `Parsing --flag`: it is the user's input that is
 * wrong, so it becomes a usage error (exit 2), not an unexpected one.
 */
function flagParseError(err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof Errors.CLIError) return err
  const match = /^Parsing (--[\w-]+)\s*\n\t([\s\S]*?)(?:\nSee more help with --help)?$/.exec(err.message)
  if (!match) return err
  return new UsageError(`${match[1]}: ${match[2]}`, {flag: match[1]})
}

/**
 * The first-use import's progress bar, loaded (with ink and React) at the first event: a
 * store that is already there, or one copied from the prebuilt catalog, has none.
 */
function lazyImportProgress(): ImportProgress {
  let progress: Promise<ImportProgress | undefined> | undefined
  return async (event) => {
    progress ??= import('../ui/progress.js').then((m) => m.importProgress())
    await (
      await progress
    )?.(event)
  }
}

/** The local CLI acts as the `local` tenant with every right: a store on your disk is yours. */
export const LOCAL_CONTEXT: RequestContext = Object.freeze({tenant: 'local', user: 'local', role: 'admin'})

/**
 * Every maestro-tpl command: `--json` (the typed result of run()), `--store`,
 * `--remote` and `--dotenv`, lazy construction of the registry (so `--help` stays fast), and
 * domain errors mapped to a message and an exit code.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    store: Flags.directory({
      description: 'local store folder (git repositories and index)',
      env: 'MAESTRO_HOME',
      helpGroup: 'GLOBAL',
    }),
    remote: Flags.string({
      description: 'URL of a maestro-tpl daemon to use instead of the local store',
      env: 'MAESTRO_REMOTE',
      helpGroup: 'GLOBAL',
    }),
    dotenv: Flags.file({
      description:
        'read settings from this .env file (default: .env in the store folder; never the current directory)',
      env: 'MAESTRO_DOTENV',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  /** Every positional argument, for commands that take many (`static strict = false`). */
  protected positionals: string[] = []
  #registry: Registry | undefined
  #config: Config | undefined
  #clients: {close(): Promise<void>}[] = []
  #renderHost: LocalRenderHost | undefined

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags, argv} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    }).catch(async (err: unknown) => {
      const {unknownFlagError} = await import('./not-found.js')
      const ctor = this.ctor as typeof BaseCommand
      const names = Object.keys({...ctor.baseFlags, ...ctor.flags, json: true, help: true})
      throw flagParseError(unknownFlagError(err, names, this.id ?? '', this.config.bin))
    })
    // Before anything reads the environment: the store's .env, or the one named explicitly.
    const {loadEnvFile} = await import('../config.js')
    const global = flags as {store?: string; remote?: string; dotenv?: string}
    loadEnvFile({envFile: global.dotenv, home: global.store})
    if (global.remote === undefined && process.env.MAESTRO_REMOTE) global.remote = process.env.MAESTRO_REMOTE
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    this.positionals = argv as string[]
  }

  /** Configuration from the environment, with --store applied. */
  protected async maestroConfig(): Promise<Config> {
    if (!this.#config) {
      const {loadConfig} = await import('../config.js')
      const store = (this.flags as {store?: string}).store
      this.#config = loadConfig(store ? {...process.env, MAESTRO_HOME: store} : {})
    }
    return this.#config
  }

  /** The registry this command works against: the local store, or a daemon with --remote. */
  protected async registry(): Promise<Registry> {
    if (this.#registry) return this.#registry
    const config = await this.maestroConfig()
    const remote = (this.flags as {remote?: string}).remote
    let registry: Registry
    if (remote) {
      const {RemoteRegistry} = await import('../client/index.js')
      registry = new RemoteRegistry({url: remote, token: await this.bearerToken(remote)})
    } else {
      const {openLocalRegistry} = await import('../registry/local-registry.js')
      const {mirrorNamespaces} = await import('../sync/mirror-namespace.js')
      // Daemon mirrors (sync --from-remote) are read after your own templates, before the catalog.
      const context = {...LOCAL_CONTEXT, reads: mirrorNamespaces(config.home)}
      const local = await openLocalRegistry({
        config,
        context,
        onImport: lazyImportProgress(),
        renderHost: await this.renderHost(),
        ...this.localStartup(),
      })
      // Another namespace's bad git commit does not stop this command; it is only named.
      const {indexConflictWarning} = await import('../registry/index-errors.js')
      const conflicts = await local.indexConflicts()
      if (conflicts.length > 0) process.stderr.write(`${indexConflictWarning(conflicts)}\n`)
      registry = local
    }
    this.#registry = registry
    return registry
  }

  /** Workflows: the runtime over the local store, or a daemon's routes with --remote. */
  protected async workflows(): Promise<Workflows> {
    const remote = (this.flags as {remote?: string}).remote
    const {LocalWorkflows, RemoteWorkflows} = await import('./workflows.js')
    if (remote) return new RemoteWorkflows({url: remote, token: await this.bearerToken(remote)})
    const registry = (await this.registry()) as LocalRegistry
    const {WorkflowRuntime} = await import('../workflows/runtime.js')
    const config = await this.maestroConfig()
    const runtime = new WorkflowRuntime({
      db: registry.shared.db,
      registry,
      host: registry.shared.host,
      config,
    })
    return new LocalWorkflows(runtime, registry.context)
  }

  /**
   * Where this command runs templates' Liquid: one worker thread with the daemon's time
   * and heap limits (RENDER_TIMEOUT_MS, RENDER_MAX_HEAP_MB), started at the first render.
   */
  protected async renderHost(): Promise<LocalRenderHost> {
    if (!this.#renderHost) {
      const {localRenderHost} = await import('../sandbox/local-host.js')
      this.#renderHost = localRenderHost(await this.maestroConfig())
    }
    return this.#renderHost
  }

  /**
   * Starts the render worker now, for a command that will render on the local store: its
   * start-up (~100 ms, another thread) then overlaps opening the registry instead of
   * following it. Does nothing with --remote, where the daemon renders, nor for
   * instantiating a `template` small enough to be rendered in this thread.
   */
  protected async warmRenderHost(
    kinds: readonly JobKind[],
    template?: {files: readonly TemplateFileEntry[]},
  ): Promise<void> {
    if ((this.flags as {remote?: string}).remote) return
    if (template !== undefined && kinds.every((kind) => kind === 'instantiate')) {
      // A small template is likely rendered in this thread (local-host.ts): no worker.
      const {mayRenderInThread} = await import('../sandbox/local-host.js')
      if (mayRenderInThread(template.files)) return
    }
    ;(await this.renderHost()).warm(kinds)
  }

  /** How the local registry opens; `reindex` overrides it to rebuild instead of repairing. */
  protected localStartup(): {startup?: 'repair' | 'rebuild'} {
    return {}
  }

  /** MAESTRO_TOKEN, or the sign-in stored by `maestro-tpl login` (renewed when expired). */
  protected async bearerToken(remote: string): Promise<string | undefined> {
    const [{bearerToken}, {TemplateClient}] = await Promise.all([
      import('./credentials.js'),
      import('../client/index.js'),
    ])
    return bearerToken(remote, async (refreshToken) => {
      const client = new TemplateClient({baseUrl: remote})
      try {
        return await client.refresh(refreshToken)
      } finally {
        await client.close()
      }
    })
  }

  /** A client of the daemon at --remote, signed in; an error when there is no --remote. */
  protected async remoteClient(): Promise<TemplateClient> {
    const remote = (this.flags as {remote?: string}).remote
    if (!remote)
      throw new UsageError('this command talks to a daemon: give --remote URL (or set MAESTRO_REMOTE)')
    const {TemplateClient} = await import('../client/index.js')
    const client = new TemplateClient({baseUrl: remote, token: await this.bearerToken(remote)})
    this.#clients.push(client)
    return client
  }

  /**
   * Tenants and users: on the daemon with --remote (as the signed-in caller), else
   * directly in the local store's database (as its owner, no sign-in), e.g. to create the
   * first admin of a daemon that runs on this machine's MAESTRO_HOME or DATABASE_URL.
   */
  protected async accounts(): Promise<Accounts> {
    const {localAccounts, remoteAccounts} = await import('./accounts.js')
    if ((this.flags as {remote?: string}).remote) return remoteAccounts(await this.remoteClient())
    const accounts = await localAccounts(await this.maestroConfig())
    this.#clients.push(accounts)
    return accounts
  }

  /** A password from standard input (`--password-stdin`), else typed at the terminal without echo. */
  protected async readPassword(fromStdin: boolean, question = 'Password: '): Promise<string> {
    const {promptSecret, readStdinSecret} = await import('./secret-input.js')
    if (fromStdin) return readStdinSecret()
    if (!process.stdin.isTTY)
      throw new UsageError('no terminal to ask for the password on: pipe it in with --password-stdin')
    return promptSecret(question)
  }

  /** Whether a person is at the terminal (prompts and progress are only for people). */
  protected get interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI && !this.jsonEnabled()
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    if (isMaestroError(err)) {
      process.exitCode = err.exitCode
      if (this.jsonEnabled()) {
        this.logJson({error: {code: err.code, message: err.message, data: err.data}})
        return
      }
      throw new Errors.CLIError(err.message, {exit: err.exitCode, code: err.code})
    }
    if (err instanceof Errors.CLIError || (err as {oclif?: unknown}).oclif) {
      // oclif's own catch sets exit 1 for --json whatever the error's exit: keep it (2 for usage).
      const exit = (err as {oclif?: {exit?: number}}).oclif?.exit
      if (this.jsonEnabled() && exit !== undefined) process.exitCode = exit
      return super.catch(err)
    }
    // Anything else is our bug, not the user's: say so plainly, keep the stack for DEBUG.
    process.exitCode = 1
    if (process.env.DEBUG) this.logToStderr(err.stack ?? String(err))
    if (this.jsonEnabled()) {
      this.logJson({error: {code: 'INTERNAL', message: err.message}})
      return
    }
    throw new Errors.CLIError(`unexpected error: ${err.message} (set DEBUG=1 for details)`, {exit: 1})
  }

  /**
   * `--json` errors that oclif raises (`this.error`, flag parsing) in the shape every other
   * error has: `{error: {code, message, data}}`, a usage error when the exit is 2.
   */
  protected override toErrorJson(err: unknown): unknown {
    const error = err as Error & {code?: string; oclif?: {exit?: number}}
    const code = error.code ?? (error.oclif?.exit === 2 ? UsageError.code : 'ERROR')
    return {error: {code, message: error.message, data: {}}}
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    await this.#registry?.close()
    await this.#renderHost?.close()
    for (const client of this.#clients) await client.close()
    return super.finally(err)
  }
}
