import {basename, resolve} from 'node:path'

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {ProjectRecord} from '../src/domain/projects.js'

export default class Register extends BaseCommand<typeof Register> {
  static override description =
    'Register a generated project with the daemon at --remote, so GET /projects lists it (and says when it falls behind)'
  static override examples = [
    '<%= config.bin %> register ./billing --remote http://registry.internal:8005',
    '<%= config.bin %> register ./billing --remote http://registry.internal:8005 --name billing-api --json',
  ]
  static override args = {
    dir: Args.directory({description: 'the project folder (holds .maestro-answers.yaml)', default: '.'}),
  }
  static override flags = {
    name: Flags.string({
      description: "a name for the project in the daemon's list (default: the folder's name)",
    }),
  }

  async run(): Promise<{dir: string; projects: ProjectRecord[]}> {
    const [{diskProject, recoverInterrupted, writeAnswersDocument}, {readProjectAnswers, templateRef}] =
      await Promise.all([import('../src/update/project-dir.js'), import('../src/update/update.js')])
    const dir = resolve(this.args.dir)
    const client = await this.remoteClient()
    await recoverInterrupted(dir)
    const doc = await readProjectAnswers(diskProject(dir), dir)
    const projects: ProjectRecord[] = []
    for (const entry of doc.entries) {
      // An entry that has an id already only reports its version: registering twice is harmless.
      const record = await client.registerProject({
        ...(entry.project !== undefined ? {id: entry.project} : {}),
        template: templateRef(entry),
        version: entry.version,
        name: this.flags.name ?? basename(dir) + (entry.path !== undefined ? `/${entry.path}` : ''),
      })
      entry.project = record.id
      projects.push(record)
    }
    await writeAnswersDocument(dir, doc)
    if (!this.jsonEnabled())
      for (const p of projects)
        this.log(
          `Registered ${p.template}@${p.version} as project ${p.id}${p.outdated ? ` (${p.newer_compatible} is available: maestro-tpl update)` : ''}`,
        )
    return {dir, projects}
  }
}
