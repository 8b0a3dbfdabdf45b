import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {UserInfo} from '../../src/auth/service.js'

export default class UserGrant extends BaseCommand<typeof UserGrant> {
  static override description = 'Give a user a role in a tenant, or change it (your tenant unless --tenant)'
  static override examples = [
    '<%= config.bin %> user grant ana editor --remote http://localhost:8005',
    '<%= config.bin %> user grant ana admin --tenant acme',
  ]
  static override args = {
    username: Args.string({description: 'the user', required: true}),
    role: Args.string({
      description: 'viewer, editor or admin',
      required: true,
      options: ['viewer', 'editor', 'admin'],
    }),
  }
  static override flags = {
    tenant: Flags.string({description: 'tenant of the role (platform admins may name any)'}),
  }

  async run(): Promise<UserInfo> {
    const user = await (
      await this.accounts()
    ).grant(this.args.username, this.args.role as 'viewer', this.flags.tenant)
    if (!this.jsonEnabled())
      this.log(`${user.username}: ${user.roles.map((r) => `${r.role} of ${r.tenant}`).join(', ')}`)
    return user
  }
}
