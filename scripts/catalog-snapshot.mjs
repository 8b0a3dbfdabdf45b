#!/usr/bin/env node
/**
 * Writes what a new store needs of the bundled catalog, so first use does not redo it:
 *
 * - dist/catalog-snapshot.json: the quality report of every bundled template, keyed by its
 *   content hash (src/quality/catalog-snapshot.ts), so an import does not render each
 *   template to score it;
 * - dist/catalog-store/: the catalog already imported, a packed git repository of the
 *   public namespace and its SQLite index (src/registry/catalog-store.ts), which a new
 *   SQLite store copies instead of importing.
 *
 * `npm run build` runs it after tsc.
 */
import {writeFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = (path) => new URL(`../dist/src/${path}`, import.meta.url).href
const {buildCatalogSnapshot, SNAPSHOT_FILE} = await import(dist('quality/catalog-snapshot.js'))
const {buildCatalogStore, CATALOG_STORE_DIR} = await import(dist('registry/catalog-store.js'))
const catalog = join(root, 'templates_storage')
let started = performance.now()
const snapshot = await buildCatalogSnapshot(catalog)
writeFileSync(join(root, SNAPSHOT_FILE), `${JSON.stringify(snapshot)}\n`)
const count = Object.keys(snapshot.reports).length
console.log(`catalog snapshot: ${count} templates scored in ${Math.round(performance.now() - started)} ms`)
started = performance.now()
const store = await buildCatalogStore(catalog, join(root, CATALOG_STORE_DIR), snapshot)
console.log(
  `catalog store: ${store.templates} templates and ${store.workflows} workflows imported, ` +
    `${store.objects} git objects packed, in ${Math.round(performance.now() - started)} ms`,
)
