import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {ExecutionRecord} from '../../src/workflows/types.js'

export default class WorkflowStatus extends BaseCommand<typeof WorkflowStatus> {
  static override description = 'Show an execution: its state, steps and outputs'
  static override examples = [
    '<%= config.bin %> workflow status latest',
    '<%= config.bin %> workflow status latest --json',
  ]
  static override args = {
    id: Args.string({description: 'the execution id, or latest for your most recent one', required: true}),
  }

  async run(): Promise<ExecutionRecord> {
    const record = await (await this.workflows()).status(this.args.id)
    if (!this.jsonEnabled()) {
      const {executionSummary} = await import('../../src/cli/workflow-output.js')
      this.log(executionSummary(record))
    }
    return record
  }
}
