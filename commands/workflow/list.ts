import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {WorkflowSummary} from '../../src/workflows/runtime.js'

export default class WorkflowList extends BaseCommand<typeof WorkflowList> {
  static override description = 'List the workflows you can run (yours and the bundled ones)'
  static override examples = [
    '<%= config.bin %> workflow list',
    '<%= config.bin %> workflow list service --limit 5 --json',
    '<%= config.bin %> workflow list --search "python ci"',
  ]
  static override args = {query: Args.string({description: 'words to search for'})}
  static override flags = {
    search: Flags.string({
      char: 's',
      description: 'words to search for (the same as the QUERY argument)',
    }),
    limit: Flags.integer({description: 'how many to show', default: 20, min: 1, max: 100}),
  }

  async run(): Promise<{items: WorkflowSummary[]; total: number}> {
    const {args, flags} = this
    if (args.query && flags.search) this.error('give the words once: QUERY or --search', {exit: 2})
    const text = flags.search ?? args.query
    const result = await (await this.workflows()).list({...(text ? {text} : {}), limit: flags.limit})
    if (!this.jsonEnabled()) {
      const {workflowTable} = await import('../../src/cli/workflow-output.js')
      this.log(workflowTable(result.items))
      this.log(`${result.items.length} of ${result.total} workflows`)
    }
    return result
  }
}
