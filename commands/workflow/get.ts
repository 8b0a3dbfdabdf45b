import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {WorkflowDetail} from '../../src/workflows/runtime.js'

export default class WorkflowGet extends BaseCommand<typeof WorkflowGet> {
  static override description = 'Show a workflow: its parameters and steps'
  static override examples = [
    '<%= config.bin %> workflow get python-service',
    '<%= config.bin %> workflow get python-service@^1 --json',
  ]
  static override args = {
    ref: Args.string({description: 'NAME, NAME@RANGE or NAMESPACE/NAME', required: true}),
  }

  async run(): Promise<WorkflowDetail> {
    const detail = await (await this.workflows()).get(this.args.ref)
    if (!this.jsonEnabled()) {
      const {workflowDetail} = await import('../../src/cli/workflow-output.js')
      this.log(workflowDetail(detail))
    }
    return detail
  }
}
