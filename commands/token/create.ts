import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {CreatedApiToken} from '../../src/auth/service.js'

export default class TokenCreate extends BaseCommand<typeof TokenCreate> {
  static override description =
    'Create an API token for CI in your tenant (your role or lower); the secret is shown this once — use it as MAESTRO_TOKEN'
  static override examples = [
    '<%= config.bin %> token create ci-pipeline --role viewer --expires-in-days 90 --remote http://localhost:8005',
    '<%= config.bin %> token create publisher --role editor --remote http://localhost:8005 --json',
  ]
  static override args = {name: Args.string({description: 'what the token is for', required: true})}
  static override flags = {
    role: Flags.string({
      description: 'role of the token (default: yours)',
      options: ['viewer', 'editor', 'admin'],
    }),
    'expires-in-days': Flags.integer({
      description: 'expire after this many days (default: never)',
      min: 1,
      max: 3650,
    }),
  }

  async run(): Promise<CreatedApiToken> {
    const client = await this.remoteClient()
    const created = await client.createApiToken({
      name: this.args.name,
      ...(this.flags.role ? {role: this.flags.role as 'viewer'} : {}),
      ...(this.flags['expires-in-days'] ? {expires_in_days: this.flags['expires-in-days']} : {}),
    })
    if (!this.jsonEnabled()) {
      this.log(`Created API token ${created.name} (${created.role} of ${created.tenant}, id ${created.id}).`)
      this.log('Copy it now; it is not shown again:')
      this.log(created.token)
    }
    return created
  }
}
