import {Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import {printUsers} from '../../src/cli/accounts-output.js'
import type {UserInfo} from '../../src/auth/service.js'

export default class UserList extends BaseCommand<typeof UserList> {
  static override description =
    'List users and their roles (of your tenant, or of --tenant for platform admins)'
  static override examples = [
    '<%= config.bin %> user list --remote http://localhost:8005',
    '<%= config.bin %> user list --tenant acme --json',
  ]
  static override flags = {tenant: Flags.string({description: 'only users with a role in this tenant'})}

  async run(): Promise<{items: UserInfo[]}> {
    const items = await (await this.accounts()).listUsers(this.flags.tenant)
    if (!this.jsonEnabled()) this.log(printUsers(items))
    return {items}
  }
}
