import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import type {QualityReport} from '../src/quality/types.js'

export interface ValidateResult {
  passed: boolean
  minScore: number
  reports: QualityReport[]
}

export default class Validate extends BaseCommand<typeof Validate> {
  static override description =
    'Check templates (folders or published names) and score their quality: the CI quality gate'
  static override examples = [
    '<%= config.bin %> validate ./my-template',
    '<%= config.bin %> validate templates/* --min-score 80 --format junit > quality.xml',
    '<%= config.bin %> validate --all --format sarif > quality.sarif',
    '<%= config.bin %> validate fastapi-service@^1 --format github',
  ]
  static override strict = false
  static override args = {
    target: Args.string({description: 'template folder, or published NAME[@VERSION] (repeatable)'}),
  }
  static override flags = {
    all: Flags.boolean({description: 'validate every template in the registry'}),
    'min-score': Flags.integer({
      description: 'minimum score to pass (default MIN_TEMPLATE_QUALITY_SCORE or 70)',
      min: 0,
      max: 100,
    }),
    format: Flags.string({
      char: 'f',
      description: 'report format',
      options: ['text', 'json', 'junit', 'sarif', 'github'],
      default: 'text',
    }),
  }

  async run(): Promise<ValidateResult> {
    const {flags} = this
    const targets = [...new Set(this.positionals)]
    const {validateTargets} = await import('../src/cli/validate.js')
    const {formatReports} = await import('../src/quality/index.js')
    if (targets.length === 0 && !flags.all) {
      this.error('give template folders or names to validate, or --all', {exit: 2})
    }
    const config = await this.maestroConfig()
    const result = await validateTargets({
      targets,
      all: flags.all,
      minScore: flags['min-score'] ?? config.minTemplateQualityScore,
      registry: () => this.registry(),
      host: await this.renderHost(),
    })
    if (!this.jsonEnabled()) {
      process.stdout.write(
        formatReports(result.reports, flags.format as 'text', {
          baseDir: process.cwd(),
          sources: result.sources,
        }),
      )
    }
    if (!result.passed) process.exitCode = 1
    return {passed: result.passed, minScore: result.minScore, reports: result.reports}
  }
}
