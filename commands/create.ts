import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {QualityGateError} from '../src/domain/errors.js'
import type {QualityReport} from '../src/quality/types.js'
import type {PublishResult} from '../src/registry/types.js'

export type CreateResult =
  PublishResult | {scaffolded: string; name: string; category: string; files: string[]}

export default class Create extends BaseCommand<typeof Create> {
  static override description =
    'Publish a template folder (a new template, or a new version of one), or scaffold a new template to start from'
  static override examples = [
    '<%= config.bin %> create ./my-template',
    '<%= config.bin %> create ./my-template --message "add Dockerfile"',
    '<%= config.bin %> create --scaffold my-service --category backend_developer ./my-service',
  ]
  static override args = {
    path: Args.directory({description: 'template folder (with --scaffold: where to write it)'}),
  }
  static override flags = {
    message: Flags.string({char: 'm', description: 'commit message for this version'}),
    namespace: Flags.string({
      description: 'namespace to publish into (default: your own; `public` needs admin)',
    }),
    scaffold: Flags.string({
      description: 'write a new template skeleton with this name instead of publishing',
    }),
    category: Flags.string({
      char: 'c',
      description: 'category of the scaffolded template',
      dependsOn: ['scaffold'],
    }),
  }

  async run(): Promise<CreateResult> {
    const {args, flags} = this
    if (flags.scaffold) {
      if (!flags.category)
        this.error('--scaffold needs --category (see `maestro-tpl search` for categories)', {exit: 2})
      const {scaffoldTemplate} = await import('../src/domain/scaffold.js')
      const {writeTemplateDir} = await import('../src/render/write.js')
      const dest = args.path ?? flags.scaffold
      const files = scaffoldTemplate({name: flags.scaffold, category: flags.category})
      await writeTemplateDir(dest, files)
      if (!this.jsonEnabled()) {
        this.log(
          `Scaffolded ${flags.scaffold} in ${dest}. Edit it, then publish with: maestro-tpl create ${dest}`,
        )
      }
      return {
        scaffolded: dest,
        name: flags.scaffold,
        category: flags.category,
        files: [...files.keys()].sort(),
      }
    }
    if (!args.path)
      this.error('give the template folder to publish, or --scaffold NAME to start one', {exit: 2})
    const {loadTemplateDir} = await import('../src/domain/template.js')
    const template = await loadTemplateDir(args.path)
    const registry = await this.registry()
    const result = await registry
      .publish({
        template,
        ...(flags.message ? {message: flags.message} : {}),
        ...(flags.namespace ? {namespace: flags.namespace} : {}),
      })
      .catch(async (err: unknown) => {
        // A refused publish shows the whole report: the recommendations say what to fix.
        if (err instanceof QualityGateError && !this.jsonEnabled()) {
          const {formatReports} = await import('../src/quality/index.js')
          this.logToStderr(formatReports([err.data.report as QualityReport], 'text'))
        }
        throw err
      })
    if (!this.jsonEnabled()) {
      const t = result.template
      const what = {
        created: 'Published new template',
        updated: 'Published new version',
        unchanged: 'Already published',
      }
      this.log(
        `${what[result.status]} ${t.namespace}/${t.name}@${t.version} (commit ${result.commit.slice(0, 12)}, score ${result.quality?.score ?? '-'})`,
      )
    }
    return result
  }
}
