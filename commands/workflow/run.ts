import {Args, Flags} from '@oclif/core'

import {answerFlags} from '../../src/cli/answer-flags.js'
import {BaseCommand} from '../../src/cli/base-command.js'
import type {DryRunResult} from '../../src/workflows/runtime.js'
import type {ExecutionRecord} from '../../src/workflows/types.js'

export type WorkflowRunResult =
  (ExecutionRecord & {dest: string | null; files: string[]}) | (DryRunResult & {dryRun: true})

export default class WorkflowRun extends BaseCommand<typeof WorkflowRun> {
  static override description =
    'Run a workflow into a new project folder (or --dry-run to see what it would make)'
  static override examples = [
    '<%= config.bin %> workflow run python-service ./billing-service --set service_name=billing-api --defaults',
    '<%= config.bin %> workflow run python-service --answers ./workflows_storage/python-service/examples/sqlite.yaml --dry-run --json',
  ]
  static override args = {
    ref: Args.string({description: 'NAME, NAME@RANGE or NAMESPACE/NAME', required: true}),
    dest: Args.string({description: 'folder to write the result to (not needed with --dry-run)'}),
  }
  static override flags = {
    ...answerFlags,
    'dry-run': Flags.boolean({
      description: 'run in memory and list the files it would write; store and write nothing',
    }),
    force: Flags.boolean({char: 'f', description: 'write into a non-empty destination'}),
  }

  async run(): Promise<WorkflowRunResult> {
    const {args, flags} = this
    if (!flags['dry-run'] && !args.dest)
      this.error('say where to write the result (a folder), or use --dry-run', {exit: 2})
    const {assertDestinationUsable} = await import('../../src/render/write.js')
    if (args.dest && !flags['dry-run'] && !flags.force) await assertDestinationUsable(args.dest)
    await this.warmRenderHost(['instantiate', 'evaluate'])
    const workflows = await this.workflows()
    const detail = await workflows.get(args.ref)
    const {collectAnswers} = await import('../../src/cli/answers.js')
    const answers = await collectAnswers(detail.definition.parameters, {
      sets: flags.set ?? [],
      answersFile: flags.answers,
      useDefaults: flags.defaults,
      interactive: this.interactive,
    })
    const ref = `${detail.namespace}/${detail.name}@${detail.version}`
    const output = await import('../../src/cli/workflow-output.js')
    if (flags['dry-run']) {
      const dry = await workflows.dryRun(ref, {answers, useDefaults: true})
      if (!this.jsonEnabled()) this.log(output.dryRunSummary(dry))
      if (dry.state !== 'succeeded') this.exitWith(dry.error?.message ?? 'the dry run failed')
      return {...dry, dryRun: true}
    }
    const {eventLine, writeResult} = await import('../../src/cli/workflows.js')
    const {stepsView} = await import('../../src/ui/workflow-steps.js')
    const view = this.jsonEnabled()
      ? undefined
      : stepsView(`${detail.name}@${detail.version}`, detail.definition.steps)
    const {record, result} = await workflows.run(ref, {answers, useDefaults: true}, (event) => {
      if (view) view.update(event)
      else if (!this.jsonEnabled() && event.type !== 'log') this.log(eventLine(event))
    })
    view?.done()
    let files: string[] = []
    if (record.state === 'succeeded' && result)
      files = await writeResult(args.dest!, result, {force: flags.force})
    if (!this.jsonEnabled()) {
      this.log(output.executionSummary(record))
      if (files.length > 0) this.log(`Wrote ${files.length} files to ${args.dest}`)
    }
    if (record.state !== 'succeeded')
      this.exitWith(
        record.error ? `${record.error.code}: ${record.error.message}` : `execution ${record.state}`,
      )
    return {...record, dest: args.dest ?? null, files}
  }

  /** A failed run still prints (or returns with --json) what happened, then exits 1. */
  exitWith(message: string): void {
    process.exitCode = 1
    if (!this.jsonEnabled()) this.logToStderr(`error: ${message}`)
  }
}
