import {Args} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {DeleteResult} from '../src/registry/types.js'

export default class Delete extends BaseCommand<typeof Delete> {
  static override description = 'Delete a template (its git history keeps every published version)'
  static override examples = [
    '<%= config.bin %> delete my-template',
    '<%= config.bin %> delete local/my-template --json',
  ]
  static override args = {ref: Args.string({description: 'NAME or NAMESPACE/NAME', required: true})}

  async run(): Promise<DeleteResult> {
    const registry = await this.registry()
    const result = await registry.delete(this.args.ref)
    if (!this.jsonEnabled())
      this.log(`Deleted ${result.namespace}/${result.name} (commit ${result.commit.slice(0, 12)})`)
    return result
  }
}
