import {BaseCommand} from '../../src/cli/base-command.js'
import {printTokens} from '../../src/cli/accounts-output.js'
import type {ApiTokenInfo} from '../../src/auth/service.js'

export default class TokenList extends BaseCommand<typeof TokenList> {
  static override description =
    "List API tokens of your tenant (an admin sees everyone's), without their secrets"
  static override examples = ['<%= config.bin %> token list --remote http://localhost:8005']

  async run(): Promise<{items: ApiTokenInfo[]}> {
    const items = await (await this.remoteClient()).listApiTokens()
    if (!this.jsonEnabled()) this.log(printTokens(items))
    return {items}
  }
}
