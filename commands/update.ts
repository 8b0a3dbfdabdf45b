import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {DirUpdateResult} from '../src/update/project-dir.js'

export default class Update extends BaseCommand<typeof Update> {
  static override description =
    'Update a generated project to a newer version of its template, merging your changes three ways'
  static override examples = [
    '<%= config.bin %> update ./billing --dry-run',
    '<%= config.bin %> update ./billing --set port=9000 --json',
    '<%= config.bin %> update ./billing --to ^1 --conflict rej',
  ]
  static override args = {
    dir: Args.directory({description: 'the project folder (holds .maestro-answers.yaml)', default: '.'}),
  }
  static override flags = {
    to: Flags.string({
      description:
        'target VERSION or RANGE (default: the newest compatible with the recorded one, ^x.y.z); NAME@VERSION for one template of a workflow project (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    set: Flags.string({
      char: 's',
      description: 'answer or change a parameter: NAME=VALUE (repeatable)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    answers: Flags.file({char: 'a', description: 'YAML or JSON file of answers', exists: true}),
    'dry-run': Flags.boolean({
      description: "print each file's fate (and with --json its patch), write nothing",
    }),
    conflict: Flags.string({
      description: 'how conflicts are written: inline git markers, or .rej files beside your unchanged lines',
      options: ['inline', 'rej'],
      default: 'inline',
    }),
    force: Flags.boolean({char: 'f', description: 'update a git repository that has uncommitted changes'}),
  }

  async run(): Promise<DirUpdateResult> {
    const {args, flags} = this
    const [{givenAnswers, askMissing}, {updateProjectDir}, {printUpdate}] = await Promise.all([
      import('../src/cli/answers.js'),
      import('../src/update/project-dir.js'),
      import('../src/cli/update-output.js'),
    ])
    await this.warmRenderHost(['instantiate'])
    const result = await updateProjectDir(await this.registry(), args.dir, {
      to: flags.to ?? [],
      answers: await givenAnswers(flags.set ?? [], flags.answers),
      conflict: flags.conflict as 'inline' | 'rej',
      dryRun: flags['dry-run'],
      force: flags.force,
      ...(this.interactive ? {ask: askMissing} : {}),
    })
    if (this.flags.remote && !result.dryRun && result.status !== 'current')
      await this.reportVersions(result.dir)
    if (!this.jsonEnabled()) this.log(printUpdate(result))
    // Nothing reported as success that was not: conflicts exit 1.
    if (result.conflicts.length > 0) process.exitCode = 1
    if (!result.dryRun) for (const file of result.files) delete file.patch
    return result
  }

  /** A project the daemon knows (an id in its answers file) tells it the version it is at now. */
  private async reportVersions(dir: string): Promise<void> {
    const [{readProjectAnswers}, {diskProject}] = await Promise.all([
      import('../src/update/update.js'),
      import('../src/update/project-dir.js'),
    ])
    const {entries} = await readProjectAnswers(diskProject(dir), dir)
    const recorded = entries.filter((e) => e.project !== undefined)
    if (recorded.length === 0) return
    const client = await this.remoteClient()
    for (const e of recorded)
      await client.registerProject({id: e.project!, template: e.template, version: e.version})
  }
}
