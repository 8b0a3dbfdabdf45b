import {Flags} from '@oclif/core'

import {BaseCommand} from '../../src/cli/base-command.js'
import type {RegistryQualityReport} from '../../src/quality/report.js'

export default class QualityReport extends BaseCommand<typeof QualityReport> {
  static override description =
    'Registry-wide quality: per category the count and mean score, and the failing templates with their weakest check'
  static override examples = [
    '<%= config.bin %> quality report',
    '<%= config.bin %> quality report --min-score 85 --json',
  ]
  static override flags = {
    'min-score': Flags.integer({
      description: 'minimum score to pass (default MIN_TEMPLATE_QUALITY_SCORE or 70)',
      min: 0,
      max: 100,
    }),
  }

  async run(): Promise<RegistryQualityReport> {
    const registry = await this.registry()
    const report = await registry.qualityReport({
      ...(this.flags['min-score'] === undefined ? {} : {minScore: this.flags['min-score']}),
    })
    if (!this.jsonEnabled()) {
      const {formatRegistryReport} = await import('../../src/quality/report.js')
      this.log(formatRegistryReport(report))
    }
    return report
  }
}
