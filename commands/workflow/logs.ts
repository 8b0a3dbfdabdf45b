import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {ExecutionEvent} from '../../src/workflows/types.js'

export default class WorkflowLogs extends BaseCommand<typeof WorkflowLogs> {
  static override description = "Print an execution's events and log lines (secrets are never in them)"
  static override examples = ['<%= config.bin %> workflow logs latest --after 2']
  static override args = {
    id: Args.string({description: 'the execution id, or latest for your most recent one', required: true}),
  }
  static override flags = {
    after: Flags.integer({description: 'only events after this sequence number', default: 0, min: 0}),
  }

  async run(): Promise<{events: ExecutionEvent[]}> {
    const events = await (await this.workflows()).events(this.args.id, this.flags.after)
    if (!this.jsonEnabled()) {
      const {eventLine} = await import('../../src/cli/workflows.js')
      for (const e of events) this.log(`${String(e.seq).padStart(4)} ${e.at}  ${eventLine(e)}`)
    }
    return {events}
  }
}
