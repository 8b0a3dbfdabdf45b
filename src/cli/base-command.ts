import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import type {Config} from '../config.js'
import {isMaestroError} from '../domain/errors.js'
import type {Registry, RequestContext} from '../registry/types.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** The local CLI acts as the `local` tenant with every right: a store on your disk is yours. */
export const LOCAL_CONTEXT: RequestContext = Object.freeze({tenant: 'local', user: 'local', role: 'admin'})

/**
 * Every maestro-tpl command: `--json` (the typed result of run()), `--store` and
 * `--remote`, lazy construction of the registry (so `--help` stays fast), and
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
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  /** Every positional argument, for commands that take many (`static strict = false`). */
  protected positionals: string[] = []
  #registry: Registry | undefined
  #config: Config | undefined

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags, argv} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
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
      const {RemoteRegistry} = await import('../client/remote-registry.js')
      registry = new RemoteRegistry({url: remote, token: process.env.MAESTRO_TOKEN})
    } else {
      const {openLocalRegistry} = await import('../registry/local-registry.js')
      const {importProgress} = await import('../ui/progress.js')
      const {mirrorNamespaces} = await import('../sync/mirror-namespace.js')
      // Daemon mirrors (sync --from-remote) are read after your own templates, before the catalog.
      const context = {...LOCAL_CONTEXT, reads: mirrorNamespaces(config.home)}
      registry = await openLocalRegistry({config, context, onImport: importProgress()})
    }
    this.#registry = registry
    return registry
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
    if (err instanceof Errors.CLIError || (err as {oclif?: unknown}).oclif) return super.catch(err)
    // Anything else is our bug, not the user's: say so plainly, keep the stack for DEBUG.
    process.exitCode = 1
    if (process.env.DEBUG) this.logToStderr(err.stack ?? String(err))
    if (this.jsonEnabled()) {
      this.logJson({error: {code: 'INTERNAL', message: err.message}})
      return
    }
    throw new Errors.CLIError(`unexpected error: ${err.message} (set DEBUG=1 for details)`, {exit: 1})
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    await this.#registry?.close()
    return super.finally(err)
  }
}
