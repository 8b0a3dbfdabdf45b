import {resolve} from 'node:path'

import {Args} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {CheckReport} from '../src/update/update.js'

export default class Check extends BaseCommand<typeof Check> {
  static override description =
    'Say whether a newer compatible version of the template(s) of a generated project exists (exit 2 when one does)'
  static override examples = ['<%= config.bin %> check ./billing', '<%= config.bin %> check ./billing --json']
  static override args = {
    dir: Args.directory({description: 'the project folder (holds .maestro-answers.yaml)', default: '.'}),
  }

  async run(): Promise<CheckReport & {dir: string}> {
    const [{checkProject}, {diskProject, recoverInterrupted}, {printCheck}] = await Promise.all([
      import('../src/update/update.js'),
      import('../src/update/project-dir.js'),
      import('../src/cli/update-output.js'),
    ])
    const dir = resolve(this.args.dir)
    await recoverInterrupted(dir)
    const report = await checkProject(await this.registry(), diskProject(dir), dir)
    if (!this.jsonEnabled()) this.log(printCheck(report))
    // For CI: exit 2 says "an update is waiting".
    if (report.outdated) process.exitCode = 2
    return {dir, ...report}
  }
}
