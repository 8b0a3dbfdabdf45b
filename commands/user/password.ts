import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {UserInfo} from '../../src/auth/service.js'

export default class UserPassword extends BaseCommand<typeof UserPassword> {
  static override description =
    "Set a user's password and end their logins (platform admins; on the local store, the way back for a forgotten admin password)"
  static override examples = [
    'echo "$NEW_PASSWORD" | <%= config.bin %> user password admin --password-stdin',
    '<%= config.bin %> user password ana --remote http://localhost:8005',
  ]
  static override args = {username: Args.string({description: 'the user', required: true})}
  static override flags = {
    'password-stdin': Flags.boolean({description: 'read the new password from standard input'}),
  }

  async run(): Promise<UserInfo> {
    const password = await this.readPassword(
      this.flags['password-stdin'],
      `New password for ${this.args.username}: `,
    )
    const user = await (await this.accounts()).resetPassword(this.args.username, password)
    if (!this.jsonEnabled()) this.log(`Password of ${user.username} set; their logins have ended`)
    return user
  }
}
