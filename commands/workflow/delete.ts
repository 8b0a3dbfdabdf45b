import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {DeleteResult} from '../../src/domain/registry.js'

export default class WorkflowDelete extends BaseCommand<typeof WorkflowDelete> {
  static override description =
    'Delete a workflow (its git history keeps every published version); asks first on a terminal'
  static override examples = [
    '<%= config.bin %> workflow delete my-workflow --yes',
    '<%= config.bin %> workflow delete local/my-workflow --yes --json',
  ]
  static override args = {ref: Args.string({description: 'NAME or NAMESPACE/NAME', required: true})}
  static override flags = {
    yes: Flags.boolean({
      char: 'y',
      description: 'delete without asking (needed without a terminal: scripts, CI, --json)',
    }),
  }

  async run(): Promise<DeleteResult> {
    const {deleteAfterConfirming} = await import('../../src/cli/confirm.js')
    const result = await deleteAfterConfirming(this.args.ref, {
      yes: this.flags.yes,
      interactive: this.interactive,
      kind: 'workflow',
      open: () => this.workflows(),
    })
    if (!this.jsonEnabled())
      this.log(`Deleted workflow ${result.namespace}/${result.name} (commit ${result.commit.slice(0, 12)})`)
    return result
  }
}
