import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {printDetail} from '../src/cli/output.js'
import type {TemplateDetail} from '../src/registry/types.js'

export default class Get extends BaseCommand<typeof Get> {
  static override description =
    'Show a template: manifest, parameters, README and files; or export its folder'
  static override examples = [
    '<%= config.bin %> get fastapi-service',
    '<%= config.bin %> get fastapi-service@1.0.0 --files',
    '<%= config.bin %> get fastapi-service@^1 --output ./fastapi-service',
  ]
  static override args = {
    ref: Args.string({description: 'NAME, NAME@VERSION, NAME@RANGE or NAMESPACE/NAME', required: true}),
  }
  static override flags = {
    files: Flags.boolean({description: 'list the files of the template'}),
    output: Flags.directory({
      char: 'o',
      description: 'export the template folder (manifest, README, files) here',
    }),
    force: Flags.boolean({description: 'with --output: write into a non-empty folder'}),
  }

  async run(): Promise<TemplateDetail & {output?: string}> {
    const {args, flags} = this
    const registry = await this.registry()
    if (flags.output) {
      const {writeTemplateDir} = await import('../src/render/write.js')
      const template = await registry.getFiles(args.ref)
      await writeTemplateDir(flags.output, template.files, {force: flags.force})
      if (!this.jsonEnabled()) {
        this.log(
          `Exported ${template.detail.name}@${template.detail.version} to ${flags.output} (${template.files.size} files)`,
        )
      }
      return {...template.detail, output: flags.output}
    }
    const detail = await registry.get(args.ref)
    if (!this.jsonEnabled()) this.log(printDetail(detail, {files: flags.files}))
    return detail
  }
}
