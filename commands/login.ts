import {createInterface} from 'node:readline/promises'

import {Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'

export default class Login extends BaseCommand<typeof Login> {
  static override description =
    'Sign in to a daemon; the tokens are kept in ~/.config/maestro-tpl/credentials.json (0600) and renewed as needed'
  static override examples = [
    '<%= config.bin %> login --remote https://templates.example.com --username ana',
    'echo "$PASSWORD" | <%= config.bin %> login --remote http://localhost:8005 --username ci --password-stdin',
    '<%= config.bin %> login --remote http://localhost:8005 --username ana --tenant acme',
  ]
  static override flags = {
    username: Flags.string({char: 'u', description: 'your username (asked for on a terminal when left out)'}),
    'password-stdin': Flags.boolean({description: 'read the password from standard input'}),
    tenant: Flags.string({description: 'the tenant to work in, when you have roles in several'}),
  }

  async run(): Promise<{
    remote: string
    username: string
    tenant: string
    role: string
    credentials: string
  }> {
    const {flags} = this
    const remote = flags.remote
    if (!remote) this.error('say which daemon to sign in to: --remote URL (or MAESTRO_REMOTE)', {exit: 2})
    let username = flags.username
    if (!username) {
      if (!process.stdin.isTTY) this.error('give --username when there is no terminal to ask on', {exit: 2})
      const rl = createInterface({input: process.stdin, output: process.stderr})
      username = (await rl.question('Username: ')).trim()
      rl.close()
    }
    const password = await this.readPassword(flags['password-stdin'])
    const [{TemplateClient}, {saveLogin, credentialsPath}] = await Promise.all([
      import('../src/client/index.js'),
      import('../src/cli/credentials.js'),
    ])
    const client = new TemplateClient({baseUrl: remote})
    try {
      const pair = await client.login({username, password, ...(flags.tenant ? {tenant: flags.tenant} : {})})
      saveLogin(remote, pair)
      if (!this.jsonEnabled())
        this.log(`Signed in to ${remote} as ${pair.username} (${pair.role} of ${pair.tenant})`)
      return {
        remote,
        username: pair.username,
        tenant: pair.tenant,
        role: pair.role,
        credentials: credentialsPath(),
      }
    } finally {
      await client.close()
    }
  }
}
