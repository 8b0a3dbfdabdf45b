import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {UserInfo} from '../../src/auth/service.js'

export default class UserCreate extends BaseCommand<typeof UserCreate> {
  static override description =
    'Create a user, with a role in a tenant (yours on a daemon; `public`, the platform, on the local store when --tenant is left out)'
  static override examples = [
    '<%= config.bin %> user create ana --role editor --remote http://localhost:8005',
    'echo "$PASSWORD" | <%= config.bin %> user create admin --role admin --password-stdin',
    '<%= config.bin %> user create bob --role viewer --tenant acme --remote http://localhost:8005',
  ]
  static override args = {username: Args.string({description: 'the new username', required: true})}
  static override flags = {
    role: Flags.string({description: 'role to grant', options: ['viewer', 'editor', 'admin']}),
    tenant: Flags.string({description: 'tenant of the role (platform admins may name any)'}),
    'password-stdin': Flags.boolean({description: 'read the password from standard input'}),
  }

  async run(): Promise<UserInfo> {
    const {flags} = this
    const password = await this.readPassword(flags['password-stdin'], `Password for ${this.args.username}: `)
    const accounts = await this.accounts()
    const user = await accounts.createUser(
      {username: this.args.username, password, ...(flags.role ? {role: flags.role as 'viewer'} : {})},
      flags.tenant,
    )
    if (!this.jsonEnabled())
      this.log(
        `Created user ${user.username}${user.roles.length ? ` (${user.roles.map((r) => `${r.role} of ${r.tenant}`).join(', ')})` : ''}`,
      )
    return user
  }
}
