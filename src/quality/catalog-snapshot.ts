/**
 * Quality reports of the bundled catalog, computed when the package is built, so that a
 * new store imports the catalog without rendering every template (scoring renders each
 * template with its defaults and every example: ~0.2 s a template, ~100 s for 483).
 *
 * A report is keyed by the template's content hash (the same hash the index records), so
 * it is used only for exactly the files it was computed from: a template edited after the
 * build, or any other folder, is scored as usual. The score does not depend on the minimum
 * score, so `passed` is worked out again against the minimum in force.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import type {QualityReport} from './types.js'

/** Bumped when the file's shape changes; a snapshot of another format is ignored. */
export const SNAPSHOT_FORMAT = 1

/** Where `npm run build` writes the snapshot of templates_storage/. */
export const SNAPSHOT_FILE = join('dist', 'catalog-snapshot.json')

export interface CatalogSnapshot {
  format: typeof SNAPSHOT_FORMAT
  /** Content hash → the report the scorer gave those files. */
  reports: Record<string, QualityReport>
}

/**
 * The snapshot at `path`, or an empty one when it is missing or of another format (a
 * development checkout before its first build): everything is then scored as usual.
 *
 * @example
 * ```ts
 * const snapshot = readCatalogSnapshot(join(packageRoot(), SNAPSHOT_FILE))
 * const known = knownReport(snapshot, contentHash(files), 70)
 * ```
 */
export function readCatalogSnapshot(path: string): CatalogSnapshot {
  if (!existsSync(path)) return {format: SNAPSHOT_FORMAT, reports: {}}
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<CatalogSnapshot>
    if (parsed.format === SNAPSHOT_FORMAT && parsed.reports && typeof parsed.reports === 'object') {
      return parsed as CatalogSnapshot
    }
  } catch {
    // A damaged snapshot only costs time: everything is scored.
  }
  return {format: SNAPSHOT_FORMAT, reports: {}}
}

/** The stored report for these exact files, judged against `minScore`; undefined when not in the snapshot. */
export function knownReport(
  snapshot: CatalogSnapshot,
  hash: string,
  minScore: number,
): QualityReport | undefined {
  const report = snapshot.reports[hash]
  if (!report) return undefined
  return {...report, minScore, passed: report.score >= minScore, durationMs: 0}
}

/**
 * Scores every `<category>/<name>/` template under `catalogDir` and returns the snapshot
 * (what `npm run build` writes to dist/catalog-snapshot.json).
 *
 * @example
 * ```ts
 * writeFileSync(SNAPSHOT_FILE, JSON.stringify(await buildCatalogSnapshot('templates_storage')))
 * ```
 */
export async function buildCatalogSnapshot(catalogDir: string): Promise<CatalogSnapshot> {
  const [{loadTemplateDir}, {scoreTemplate}, {contentHash}, {blobId}] = await Promise.all([
    import('../domain/template.js'),
    import('./score.js'),
    import('../db/content.js'),
    import('../store/objects.js'),
  ])
  const reports: Record<string, QualityReport> = {}
  for (const folder of catalogFolders(catalogDir)) {
    const template = await loadTemplateDir(folder)
    const oids = new Map([...template.files].map(([path, content]) => [path, {oid: blobId(content)}]))
    reports[contentHash(oids)] = await scoreTemplate(template)
  }
  return {format: SNAPSHOT_FORMAT, reports}
}

/** The template folders of a catalog (`<category>/<name>/manifest.yaml`), sorted. */
export function catalogFolders(catalogDir: string): string[] {
  const folders: string[] = []
  if (!existsSync(catalogDir)) return folders
  for (const category of readdirSync(catalogDir).sort()) {
    const categoryDir = join(catalogDir, category)
    if (!statSync(categoryDir).isDirectory()) continue
    for (const name of readdirSync(categoryDir).sort()) {
      if (existsSync(join(categoryDir, name, 'manifest.yaml'))) folders.push(join(categoryDir, name))
    }
  }
  return folders
}
