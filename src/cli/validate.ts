import {stat} from 'node:fs/promises'

import {UsageError} from '../domain/errors.js'
import {resolveMinScore, scoreTemplateDir} from '../quality/index.js'
import type {QualityReport} from '../quality/types.js'
import type {Registry} from '../registry/types.js'
import type {RenderHost} from '../sandbox/host.js'

/**
 * Scores each target: a folder on disk (validated from its files) or a published
 * template reference (scored from the registry's copy). An invalid template yields a
 * score-0 report with its issues rather than an exception, so one bad template does
 * not hide the others' results.
 */
export async function validateTargets(opts: {
  targets: string[]
  all: boolean
  minScore: number
  registry: () => Promise<Registry>
  /** Where folders and published templates are scored (the CLI: a worker with render limits). */
  host: RenderHost
}): Promise<{passed: boolean; minScore: number; reports: QualityReport[]; sources: Map<string, string>}> {
  const minScore = resolveMinScore(opts.minScore)
  const reports: QualityReport[] = []
  const sources = new Map<string, string>()
  const refs: string[] = []
  for (const target of opts.targets) {
    const isDir = await stat(target).then(
      (s) => s.isDirectory(),
      () => false,
    )
    if (isDir) {
      const report = await scoreTemplateDir(target, {minScore}, (template, scoring) =>
        opts.host.score({template, ...scoring}),
      )
      sources.set(report.template, target)
      reports.push(report)
    } else if (looksLikePath(target)) {
      throw new UsageError(`no template folder at ${target}`, {path: target})
    } else refs.push(target)
  }
  if (opts.all || refs.length > 0) {
    const registry = await opts.registry()
    if (opts.all) refs.push(...(await allTemplateRefs(registry)))
    for (const ref of refs)
      reports.push(await opts.host.score({template: await registry.getFiles(ref), minScore}))
  }
  return {passed: reports.every((r) => r.passed), minScore, reports, sources}
}

/** `./x`, `/x`, `~/x`, `a/b/c`, `x/`: a folder the user meant, not a `namespace/name` reference. */
function looksLikePath(target: string): boolean {
  return (
    /^[./~]/.test(target) || target.endsWith('/') || target.split('/').length > 2 || target.includes('\\')
  )
}

async function allTemplateRefs(registry: Registry): Promise<string[]> {
  const refs: string[] = []
  for (let offset = 0; ; offset += 100) {
    const page = await registry.search({limit: 100, offset})
    refs.push(...page.items.map((t) => `${t.namespace}/${t.name}`))
    // A total past 10,000 is a lower bound (total_exact false): only a short page ends it then.
    if (page.items.length < 100 || (page.total_exact && refs.length >= page.total)) return refs
  }
}
