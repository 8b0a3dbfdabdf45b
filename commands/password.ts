import {Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'

export default class Password extends BaseCommand<typeof Password> {
  static override description =
    'Change your password on a daemon; every login of yours ends, this one included (sign in again)'
  static override examples = [
    '<%= config.bin %> password --remote http://localhost:8005',
    'printf "%s\\n%s\\n" "$OLD" "$NEW" | <%= config.bin %> password --remote http://localhost:8005 --password-stdin',
  ]
  static override flags = {
    'password-stdin': Flags.boolean({
      description: 'read the current password and the new one from standard input, one a line',
    }),
  }

  async run(): Promise<{changed: true; sessions_revoked: number}> {
    const client = await this.remoteClient()
    let current: string
    let next: string
    if (this.flags['password-stdin']) {
      const lines = (await this.readPassword(true)).split(/\r?\n/)
      if (lines.length < 2) this.error('give the current password and the new one on two lines', {exit: 2})
      ;[current, next] = [lines[0]!, lines[1]!]
    } else {
      current = await this.readPassword(false, 'Current password: ')
      next = await this.readPassword(false, 'New password: ')
      if ((await this.readPassword(false, 'New password again: ')) !== next)
        this.error('the two new passwords differ; nothing was changed', {exit: 2})
    }
    const result = await client.changePassword(current, next)
    const {removeLogin} = await import('../src/cli/credentials.js')
    removeLogin(this.flags.remote!)
    if (!this.jsonEnabled()) this.log('Password changed. Sign in again with `maestro-tpl login`.')
    return result
  }
}
