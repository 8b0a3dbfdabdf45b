import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {DeleteResult} from '../src/registry/types.js'

export default class Delete extends BaseCommand<typeof Delete> {
  static override description =
    'Delete a template (its git history keeps every published version); asks first on a terminal'
  static override examples = [
    '<%= config.bin %> delete my-template --yes',
    '<%= config.bin %> delete local/my-template --yes --json',
  ]
  static override args = {ref: Args.string({description: 'NAME or NAMESPACE/NAME', required: true})}
  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'delete without asking (needed without a terminal: scripts, CI, --json)',
    }),
  }

  async run(): Promise<DeleteResult> {
    const {deleteAfterConfirming} = await import('../src/cli/confirm.js')
    const result = await deleteAfterConfirming(this.args.ref, {
      yes: this.flags.yes,
      interactive: this.interactive,
      kind: 'template',
      open: () => this.registry(),
    })
    if (!this.jsonEnabled())
      this.log(`Deleted ${result.namespace}/${result.name} (commit ${result.commit.slice(0, 12)})`)
    return result
  }
}
