import {resolve} from 'node:path'

import {loadTemplateDir, parseTemplate} from '../../../src/domain/template.js'
import type {LoadedTemplate, TemplateFiles} from '../../../src/domain/types.js'
import type {CheckId, CheckResult, QualityReport} from '../../../src/quality/types.js'

/** test/fixtures/quality: templates built to land in each band, plus the vendored schemas. */
export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/quality')

export const fixtureDir = (name: string): string => resolve(FIXTURES, name)

export const loadFixture = (name: string): Promise<LoadedTemplate> => loadTemplateDir(fixtureDir(name))

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Edits applied to a copy of a fixture's files: a string sets a file, null deletes it, a function rewrites it. */
export type Edits = Record<string, string | null | ((text: string) => string)>

/**
 * The `excellent` fixture with a few files changed, parsed like an upload. Each
 * per-check test states exactly what it breaks, on a template that otherwise scores 100.
 */
export async function variant(edits: Edits, base = 'excellent'): Promise<LoadedTemplate> {
  const files: TemplateFiles = new Map((await loadFixture(base)).files)
  for (const [path, edit] of Object.entries(edits)) {
    if (edit === null) {
      files.delete(path)
    } else if (typeof edit === 'function') {
      const current = files.get(path)
      if (current === undefined) throw new Error(`variant: ${path} is not in ${base}`)
      files.set(path, encoder.encode(edit(decoder.decode(current))))
    } else {
      files.set(path, encoder.encode(edit))
    }
  }
  return parseTemplate(files)
}

/** Deletes every file under a folder. */
export function without(template: LoadedTemplate, prefix: string): Edits {
  return Object.fromEntries(
    [...template.files.keys()].filter((p) => p.startsWith(prefix)).map((p) => [p, null]),
  )
}

export function check(report: QualityReport, id: CheckId): CheckResult {
  const found = report.checks.find((c) => c.id === id)
  if (!found) throw new Error(`no ${id} check in the report`)
  return found
}

/** The report without its wall time, which is the one thing allowed to differ between runs. */
export function timeless(report: QualityReport): Omit<QualityReport, 'durationMs'> {
  const {durationMs: _durationMs, ...rest} = report
  return rest
}
