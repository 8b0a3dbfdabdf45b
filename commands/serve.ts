import {Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'

export default class Serve extends BaseCommand<typeof Serve> {
  static override description =
    'Run the registry daemon: the REST API (/api/v1), /health, /metrics and interactive docs at /docs'
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 9000',
    '<%= config.bin %> serve --host 0.0.0.0 --port 8005',
  ]
  static override flags = {
    port: Flags.integer({
      char: 'p',
      description: 'port to listen on (0 picks a free one) [default: SERVICE_PORT or 8005]',
      min: 0,
      max: 65535,
    }),
    host: Flags.string({
      description: 'address to listen on; 0.0.0.0 serves other machines too',
      default: '127.0.0.1',
      env: 'SERVICE_HOST',
    }),
  }

  async run(): Promise<{url: string}> {
    const {flags} = this
    if ((flags as {remote?: string}).remote)
      this.error('serve runs a daemon on the local store; leave out --remote', {exit: 2})
    const config = await this.maestroConfig()
    const {startServer} = await import('../src/server/server.js')
    const {url} = await startServer({
      config,
      port: flags.port ?? config.servicePort,
      host: flags.host,
      handleSignals: true,
    })
    // Tests and scripts read the URL from this line (with --port 0 it is the only way to learn the port).
    if (this.jsonEnabled()) this.logJson({url})
    else this.log(`listening on ${url}`)
    // Serve until SIGTERM or SIGINT: the server then finishes in-flight requests, closes the database and exits.
    await new Promise<never>(() => {})
    return {url}
  }
}
