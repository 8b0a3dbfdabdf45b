/**
 * First use of a new store: how long until a new store holding a bundled catalog of N
 * templates answers its first search, three ways, measured in this run:
 *
 * - from the prebuilt store (src/registry/catalog-store.ts, dist/catalog-store/ of the
 *   build): the store's files are copied, nothing is published (what a user gets);
 * - importing with the build's quality snapshot (dist/catalog-snapshot.json): every
 *   template published, none scored (what the build itself does once, to make the
 *   prebuilt store; and what a store on PostgreSQL or with another catalog does);
 * - the baseline: importing and scoring every template.
 *
 * The catalog is N templates made from copies of templates_storage/ (each copy's names
 * suffixed, so every template is distinct content), N = 483 by default: the original
 * service's catalog size. The baseline scores every template, which takes minutes at 483;
 * `--baseline-sample K` (default 45) measures it on the first K templates and extrapolates
 * per template (scoring cost does not depend on the store's size).
 *
 * ```sh
 * npm run build && node dist/bench/catalog-import.js [N] [--baseline-sample K]
 * ```
 */
import {cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {loadConfig} from '../src/config.js'
import {
  buildCatalogSnapshot,
  type CatalogSnapshot,
  catalogFolders,
  SNAPSHOT_FORMAT,
} from '../src/quality/catalog-snapshot.js'
import {buildCatalogStore} from '../src/registry/catalog-store.js'
import {openLocalRegistry} from '../src/registry/local-registry.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface CatalogImportResult {
  templates: number
  /** A new store seeded from the prebuilt store, opened and searched once: wall and CPU milliseconds. */
  prebuilt: {wallMs: number; cpuMs: number}
  /** Building the prebuilt store from the snapshot (import and pack, at `npm run build`). */
  prebuiltBuildMs: number
  /** Import of all N with the snapshot: wall and CPU milliseconds. */
  withSnapshot: {wallMs: number; cpuMs: number}
  /** Scoring every template at import, on `sample` templates. */
  baseline: {sample: number; wallMs: number; cpuMs: number}
  /** Baseline per template × N. */
  baselineExtrapolatedMs: number
  /** Building the snapshot (what `npm run build` pays once). */
  snapshotBuildMs: number
}

/** `count` distinct templates from copies of the bundled catalog, under `dir`. */
export function syntheticCatalog(dir: string, count: number): void {
  const sources = catalogFolders(join(ROOT, 'templates_storage'))
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length]!
    const copy = Math.floor(i / sources.length)
    const [category, name] = source.split('/').slice(-2) as [string, string]
    const newName = copy === 0 ? name : `${name}-copy${copy}`
    const target = join(dir, category, newName)
    mkdirSync(join(dir, category), {recursive: true})
    cpSync(source, target, {recursive: true})
    const manifest = join(target, 'manifest.yaml')
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^name: .*$/m, `name: ${newName}`))
  }
}

/** A new store on `catalog` seeded from the prebuilt store in `from`, until its first search answers. */
async function timeSeeded(
  catalog: string,
  from: string,
  expected: number,
): Promise<{wallMs: number; cpuMs: number}> {
  const home = mkdtempSync(join(tmpdir(), 'maestro-bench-seeded-'))
  try {
    const config = loadConfig({
      MAESTRO_HOME: home,
      TEMPLATES_STORAGE_PATH: catalog,
      DATABASE_URL: '',
      REDIS_URL: '',
    })
    const cpu = process.cpuUsage()
    const started = performance.now()
    const registry = await openLocalRegistry({
      config,
      context: {tenant: 'local', user: 'bench', role: 'admin'},
      catalogStore: from,
    })
    const listed = await registry.search({text: 'api', limit: 20})
    const wallMs = performance.now() - started
    const used = process.cpuUsage(cpu)
    const all = await registry.search({limit: 1})
    await registry.close()
    if (all.total !== expected)
      throw new Error(`the seeded store lists ${all.total} templates, not ${expected}`)
    if (listed.items.length === 0) throw new Error('the seeded store found nothing for "api"')
    return {wallMs, cpuMs: (used.user + used.system) / 1000}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

async function timeImport(
  catalog: string,
  snapshot: CatalogSnapshot,
): Promise<{wallMs: number; cpuMs: number; count: number}> {
  const home = mkdtempSync(join(tmpdir(), 'maestro-bench-import-'))
  try {
    const config = loadConfig({MAESTRO_HOME: home, TEMPLATES_STORAGE_PATH: catalog})
    const cpu = process.cpuUsage()
    const started = performance.now()
    const registry = await openLocalRegistry({
      config,
      context: {tenant: 'local', user: 'bench', role: 'admin'},
      importCatalog: false,
    })
    const count = await registry.importCatalog(catalog, undefined, snapshot)
    const wallMs = performance.now() - started
    const used = process.cpuUsage(cpu)
    const listed = await registry.search({limit: 1})
    if (listed.total !== count) throw new Error(`imported ${count}, the index lists ${listed.total}`)
    await registry.close()
    return {wallMs, cpuMs: (used.user + used.system) / 1000, count}
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

export async function benchCatalogImport(templates: number, sample: number): Promise<CatalogImportResult> {
  const work = mkdtempSync(join(tmpdir(), 'maestro-bench-catalog-'))
  try {
    const full = join(work, 'full')
    syntheticCatalog(full, templates)
    const partial = join(work, 'sample')
    syntheticCatalog(partial, Math.min(sample, templates))
    const built = performance.now()
    const snapshot = await buildCatalogSnapshot(full)
    const snapshotBuildMs = performance.now() - built
    const withSnapshot = await timeImport(full, snapshot)
    const storeDir = join(work, 'catalog-store')
    const builtStore = performance.now()
    await buildCatalogStore(full, storeDir, snapshot)
    const prebuiltBuildMs = performance.now() - builtStore
    const prebuilt = await timeSeeded(full, storeDir, withSnapshot.count)
    const baseline = await timeImport(partial, {format: SNAPSHOT_FORMAT, reports: {}})
    return {
      templates: withSnapshot.count,
      prebuilt,
      prebuiltBuildMs,
      withSnapshot: {wallMs: withSnapshot.wallMs, cpuMs: withSnapshot.cpuMs},
      baseline: {sample: baseline.count, wallMs: baseline.wallMs, cpuMs: baseline.cpuMs},
      baselineExtrapolatedMs: (baseline.wallMs / baseline.count) * withSnapshot.count,
      snapshotBuildMs,
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const templates = Number(args.find((a) => /^\d+$/.test(a)) ?? 483)
  const sample = Number(args[args.indexOf('--baseline-sample') + 1]) || 45
  const r = await benchCatalogImport(templates, sample)
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  console.log(`a new store holding ${r.templates} templates, until its first search answers`)
  console.log(`  from the prebuilt store: ${s(r.prebuilt.wallMs)} wall, ${s(r.prebuilt.cpuMs)} CPU`)
  console.log(`  with the build's snapshot: ${s(r.withSnapshot.wallMs)} wall, ${s(r.withSnapshot.cpuMs)} CPU`)
  console.log(
    `  scoring at import (baseline, ${r.baseline.sample} templates): ${s(r.baseline.wallMs)} wall, ${s(r.baseline.cpuMs)} CPU` +
      ` → ${s(r.baselineExtrapolatedMs)} for ${r.templates}`,
  )
  console.log(
    `  ratio: ${(r.withSnapshot.wallMs / r.baselineExtrapolatedMs).toFixed(3)} of the baseline (wall),` +
      ` ${(r.withSnapshot.cpuMs / ((r.baseline.cpuMs / r.baseline.sample) * r.templates)).toFixed(3)} (CPU)`,
  )
  console.log(
    `  ratio, prebuilt: ${(r.prebuilt.wallMs / r.baselineExtrapolatedMs).toFixed(4)} of the baseline (wall),` +
      ` ${(r.prebuilt.wallMs / r.withSnapshot.wallMs).toFixed(4)} of the import with the snapshot`,
  )
  console.log(`  snapshot built once at npm run build: ${s(r.snapshotBuildMs)}`)
  console.log(`  prebuilt store built once at npm run build (import and pack): ${s(r.prebuiltBuildMs)}`)
}
