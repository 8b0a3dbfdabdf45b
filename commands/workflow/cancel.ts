import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {ExecutionRecord} from '../../src/workflows/types.js'

export default class WorkflowCancel extends BaseCommand<typeof WorkflowCancel> {
  static override description =
    'Cancel a queued or running execution (a running one stops before its next step)'
  static override examples = [
    '<%= config.bin %> workflow cancel 5f0c4f7e-0d1c-4f38-9f52-2b8f5f7f9d10 --remote http://localhost:8005',
  ]
  static override args = {
    id: Args.string({description: 'the execution id, or latest for your most recent one', required: true}),
  }

  async run(): Promise<ExecutionRecord> {
    const record = await (await this.workflows()).cancel(this.args.id)
    if (!this.jsonEnabled())
      this.log(
        `execution ${record.id}: ${record.state}${record.cancel_requested && record.state === 'running' ? ' (stops before its next step)' : ''}`,
      )
    return record
  }
}
