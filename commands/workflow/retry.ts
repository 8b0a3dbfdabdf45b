import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {ExecutionRecord} from '../../src/workflows/types.js'

export default class WorkflowRetry extends BaseCommand<typeof WorkflowRetry> {
  static override description =
    'Run a failed or cancelled execution again from its failed step (finished steps are kept)'
  static override examples = ['<%= config.bin %> workflow retry latest ./billing-service']
  static override args = {
    id: Args.string({description: 'the execution id, or latest for your most recent one', required: true}),
    dest: Args.string({description: 'folder to write the result to'}),
  }

  async run(): Promise<ExecutionRecord & {files: string[]}> {
    const {args} = this
    const {eventLine, writeResult} = await import('../../src/cli/workflows.js')
    const {record, result} = await (
      await this.workflows()
    ).retry(args.id, (event) => {
      if (!this.jsonEnabled() && event.type !== 'log') this.log(eventLine(event))
    })
    let files: string[] = []
    if (record.state === 'succeeded' && result && args.dest) files = await writeResult(args.dest, result)
    if (!this.jsonEnabled()) {
      const {executionSummary} = await import('../../src/cli/workflow-output.js')
      this.log(executionSummary(record))
      if (files.length > 0) this.log(`Wrote ${files.length} files to ${args.dest}`)
    }
    if (record.state !== 'succeeded') process.exitCode = 1
    return {...record, files}
  }
}
