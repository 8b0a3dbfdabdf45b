import {Args} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {RestoreResult} from '../src/registry/types.js'

export default class Restore extends BaseCommand<typeof Restore> {
  static override description =
    'Bring a deleted template back from git history: as it was before its delete, or at a version'
  static override examples = [
    '<%= config.bin %> restore my-template',
    '<%= config.bin %> restore my-template@0.1.0 --json',
  ]
  static override args = {
    ref: Args.string({
      description:
        'NAME, NAME@VERSION or NAME@RANGE of a deleted template (NAMESPACE/NAME for another namespace)',
      required: true,
    }),
  }

  async run(): Promise<RestoreResult> {
    const result = await (await this.registry()).restore(this.args.ref)
    if (!this.jsonEnabled()) {
      const {namespace, name, version} = result.template
      this.log(
        `Restored ${namespace}/${name}@${version} from ${result.restored_from.commit.slice(0, 12)} ` +
          `(commit ${result.commit.slice(0, 12)})`,
      )
    }
    return result
  }
}
