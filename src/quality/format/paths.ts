import {isAbsolute, relative, resolve, sep} from 'node:path'

import type {Finding, QualityReport} from '../types.js'

export interface LocationOptions {
  /** Repository root that reported paths are relative to; default: the working directory. */
  baseDir?: string
  /** Template name → its folder, so findings (relative to the template) become repository paths. */
  sources?: ReadonlyMap<string, string>
}

/**
 * Where a finding sits, as a POSIX path relative to baseDir: the template folder
 * (from `sources`) joined with the finding's file. Findings without a file point at
 * the template's manifest.yaml, since annotations need a file. Without a known
 * folder the path stays relative to the template. Paths outside baseDir stay absolute.
 *
 * @example
 * ```ts
 * findingPath(report, {file: 'README.md', ...}, {baseDir: '/repo', sources: new Map([['x', '/repo/templates/x']])})
 * // 'templates/x/README.md'
 * ```
 */
export function findingPath(
  report: QualityReport,
  finding: Pick<Finding, 'file'>,
  opts: LocationOptions,
): string {
  const file = finding.file ?? 'manifest.yaml'
  const folder = opts.sources?.get(report.template)
  if (folder === undefined) return file
  const base = resolve(opts.baseDir ?? process.cwd())
  const absolute = resolve(base, folder, file)
  const rel = relative(base, absolute)
  if (rel.startsWith('..') || isAbsolute(rel)) return absolute.split(sep).join('/')
  return rel.split(sep).join('/')
}
