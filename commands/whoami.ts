import {BaseCommand} from '../src/cli/base-command.js'

export default class Whoami extends BaseCommand<typeof Whoami> {
  static override description = 'Show who a daemon takes you for: user, tenant and role'
  static override examples = ['<%= config.bin %> whoami --remote http://localhost:8005']

  async run(): Promise<{tenant: string; user: string; role: string; anonymous: boolean}> {
    const me = await (await this.remoteClient()).whoami()
    if (!this.jsonEnabled())
      this.log(me.anonymous ? 'anonymous (public catalog only)' : `${me.user}: ${me.role} of ${me.tenant}`)
    return me
  }
}
