import {Args, Flags} from '@oclif/core'

import {answerFlags} from '../src/cli/answer-flags.js'
import {BaseCommand} from '../src/cli/base-command.js'
import type {Answers} from '../src/domain/types.js'
import type {FileChange} from '../src/render/write.js'

export interface InstantiateResult {
  template: string
  version: string
  commit: string
  dest: string
  dryRun: boolean
  files: string[]
  /** Per file, what the write did (or would do) in the destination: new, overwritten, unchanged, conflict. */
  changes: {path: string; change: FileChange}[]
  answers: Answers
}

export default class Instantiate extends BaseCommand<typeof Instantiate> {
  static override description = 'Render a template into a new project folder'
  static override examples = [
    '<%= config.bin %> instantiate fastapi-service ./billing --set project_name=billing',
    '<%= config.bin %> instantiate fastapi-service@^1 ./billing --answers answers.yaml --defaults',
    '<%= config.bin %> instantiate react-vite-app ./web --defaults --dry-run --json',
    '<%= config.bin %> instantiate fastapi-service ./billing --set project_name=billing --dry-run --force',
  ]
  static override args = {
    ref: Args.string({description: 'NAME, NAME@VERSION or NAME@RANGE', required: true}),
    dest: Args.string({description: 'folder to create the project in', required: true}),
  }
  static override flags = {
    ...answerFlags,
    'dry-run': Flags.boolean({
      description:
        'list each file as new, overwritten (with --force), unchanged or conflicting; write nothing',
    }),
    force: Flags.boolean({
      char: 'f',
      description: 'write into a non-empty destination: files that differ are overwritten, and listed',
    }),
  }

  async run(): Promise<InstantiateResult> {
    const {args, flags} = this
    const {collectAnswers} = await import('../src/cli/answers.js')
    const {writeProject, assertDestinationUsable} = await import('../src/render/write.js')
    // Refuse a non-empty destination before asking anything.
    if (!flags['dry-run'] && !flags.force) await assertDestinationUsable(args.dest)
    const registry = await this.registry()
    const detail = await registry.get(args.ref)
    await this.warmRenderHost(['instantiate'], detail)
    const answers = await collectAnswers(detail.manifest.parameters, {
      sets: flags.set ?? [],
      answersFile: flags.answers,
      useDefaults: flags.defaults,
      interactive: this.interactive,
    })
    const ref = `${detail.namespace}/${detail.name}@${detail.version}`
    const project = await registry.instantiate(ref, {answers, useDefaults: true})
    const written = await writeProject(args.dest, project.files, {
      force: flags.force,
      dryRun: flags['dry-run'],
    })
    if (!this.jsonEnabled()) {
      const {printWriteChanges} = await import('../src/cli/write-output.js')
      printWriteChanges(written, `${project.template}@${project.version}`, (line) => this.log(line))
    }
    return {
      template: project.template,
      version: project.version,
      commit: project.commit,
      dest: written.dest,
      dryRun: written.dryRun,
      files: written.written,
      changes: written.changes,
      answers: project.answers,
    }
  }
}
