import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'

export default class WorkflowValidate extends BaseCommand<typeof WorkflowValidate> {
  static override description =
    'Check a workflow folder as publishing would (actions, inputs, expressions, templates used, quality); stores nothing'
  static override examples = [
    '<%= config.bin %> workflow validate ./workflows_storage/python-service',
    '<%= config.bin %> workflow validate ./workflows_storage/python-service --min-score 80 --json',
  ]
  static override args = {
    dir: Args.directory({description: 'the workflow folder', required: true, exists: true}),
  }
  static override flags = {
    'min-score': Flags.integer({description: 'fail below this quality score', min: 0, max: 100}),
  }

  async run(): Promise<{
    name: string
    version: string
    steps: number
    quality: {score: number; passed: boolean}
  }> {
    const {loadWorkflowDir} = await import('../../src/workflows/package.js')
    const workflow = await loadWorkflowDir(this.args.dir)
    const result = await (await this.workflows()).validate(workflow)
    const min = this.flags['min-score']
    if (!this.jsonEnabled())
      this.log(
        `${result.name}@${result.version}: valid, ${result.steps} steps, quality ${result.quality.score}`,
      )
    if (min !== undefined && result.quality.score < min)
      this.error(`quality ${result.quality.score} is below ${min}`, {exit: 1})
    return result
  }
}
