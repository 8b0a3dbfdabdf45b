import {Args} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {PublishResult} from '../../src/registry/types.js'

export default class WorkflowCreate extends BaseCommand<typeof WorkflowCreate> {
  static override description =
    'Publish a workflow folder (workflow.yaml, README.md, examples/) as a new workflow or version'
  static override examples = ['<%= config.bin %> workflow create ./workflows_storage/python-service']
  static override args = {
    dir: Args.directory({description: 'the workflow folder', required: true, exists: true}),
  }

  async run(): Promise<PublishResult> {
    const {loadWorkflowDir} = await import('../../src/workflows/package.js')
    const workflow = await loadWorkflowDir(this.args.dir)
    const result = await (await this.workflows()).publish(workflow)
    if (!this.jsonEnabled())
      this.log(
        `${result.status === 'unchanged' ? 'Unchanged' : 'Published'} workflow ${result.template.name}@${result.template.version} (${result.commit.slice(0, 12)}), quality ${result.quality?.score ?? '-'}`,
      )
    return result
  }
}
