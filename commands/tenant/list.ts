import {BaseCommand} from '../../src/cli/base-command.js'
import {printTenants} from '../../src/cli/accounts-output.js'
import type {TenantInfo} from '../../src/client/index.js'

export default class TenantList extends BaseCommand<typeof TenantList> {
  static override description = 'List tenants (every one for a platform admin, your own otherwise)'
  static override examples = [
    '<%= config.bin %> tenant list --remote http://localhost:8005',
    '<%= config.bin %> tenant list --json',
  ]

  async run(): Promise<{items: TenantInfo[]}> {
    const items = await (await this.accounts()).listTenants()
    if (!this.jsonEnabled()) this.log(printTenants(items))
    return {items}
  }
}
