import {Args} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {printVersions} from '../src/cli/output.js'
import type {VersionInfo} from '../src/domain/types.js'

export default class Versions extends BaseCommand<typeof Versions> {
  static override description = 'List the published versions of a template, newest first'
  static override examples = [
    '<%= config.bin %> versions fastapi-service',
    '<%= config.bin %> versions fastapi-service --json',
  ]
  static override args = {ref: Args.string({description: 'NAME or NAMESPACE/NAME', required: true})}

  async run(): Promise<{name: string; versions: VersionInfo[]}> {
    const registry = await this.registry()
    const versions = await registry.versions(this.args.ref)
    if (!this.jsonEnabled()) this.log(printVersions(this.args.ref, versions))
    return {name: this.args.ref, versions}
  }
}
