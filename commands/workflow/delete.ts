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
    const {assertCanConfirm, confirmDeletion} = await import('../../src/cli/confirm.js')
    if (!this.flags.yes) assertCanConfirm(this.args.ref, this.interactive)
    const workflows = await this.workflows()
    if (!this.flags.yes) {
      const detail = await workflows.get(this.args.ref)
      await confirmDeletion(`workflow ${detail.namespace}/${detail.name}@${detail.version}`)
    }
    const result = await workflows.delete(this.args.ref)
    if (!this.jsonEnabled())
      this.log(`Deleted workflow ${result.namespace}/${result.name} (commit ${result.commit.slice(0, 12)})`)
    return result
  }
}
