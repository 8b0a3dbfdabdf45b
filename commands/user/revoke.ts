import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {UserInfo} from '../../src/auth/service.js'

export default class UserRevoke extends BaseCommand<typeof UserRevoke> {
  static override description =
    "Take a user's role in a tenant away (its tokens for that tenant stop working)"
  static override examples = [
    '<%= config.bin %> user revoke ana --remote http://localhost:8005',
    '<%= config.bin %> user revoke ana --tenant acme',
  ]
  static override args = {username: Args.string({description: 'the user', required: true})}
  static override flags = {
    tenant: Flags.string({description: 'tenant of the role (platform admins may name any)'}),
  }

  async run(): Promise<UserInfo> {
    const user = await (await this.accounts()).revoke(this.args.username, this.flags.tenant)
    if (!this.jsonEnabled())
      this.log(
        `Revoked; ${user.username} now has ${user.roles.length ? user.roles.map((r) => `${r.role} of ${r.tenant}`).join(', ') : 'no role here'}`,
      )
    return user
  }
}
