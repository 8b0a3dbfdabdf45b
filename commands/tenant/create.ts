import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {TenantInfo} from '../../src/client/index.js'

export default class TenantCreate extends BaseCommand<typeof TenantCreate> {
  static override description =
    'Create a tenant: a team whose templates live in a git repository of their own (platform admins; no sign-in on the local store)'
  static override examples = [
    '<%= config.bin %> tenant create acme --display-name "Acme Inc." --remote http://localhost:8005',
    '<%= config.bin %> tenant create acme',
  ]
  static override args = {
    name: Args.string({description: 'tenant name: lowercase letters, digits, _ and -', required: true}),
  }
  static override flags = {'display-name': Flags.string({description: 'a readable name'})}

  async run(): Promise<TenantInfo> {
    const accounts = await this.accounts()
    const tenant = await accounts.createTenant({
      name: this.args.name,
      ...(this.flags['display-name'] ? {display_name: this.flags['display-name']} : {}),
    })
    if (!this.jsonEnabled()) this.log(`Created tenant ${tenant.name}`)
    return tenant
  }
}
