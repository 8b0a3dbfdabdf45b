import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {ApiTokenInfo} from '../../src/auth/service.js'

export default class TokenRevoke extends BaseCommand<typeof TokenRevoke> {
  static override description = 'Revoke an API token by its id (see `token list`); it stops working at once'
  static override examples = [
    '<%= config.bin %> token revoke 7c9e6679-7425-40de-944b-e07fc1f90ae7 --remote http://localhost:8005',
  ]
  static override args = {id: Args.string({description: 'the token id', required: true})}

  async run(): Promise<ApiTokenInfo> {
    const token = await (await this.remoteClient()).revokeApiToken(this.args.id)
    if (!this.jsonEnabled()) this.log(`Revoked API token ${token.name} (${token.prefix}...)`)
    return token
  }
}
