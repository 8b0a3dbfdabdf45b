#!/usr/bin/env node
/**
 * Writes dist/catalog-snapshot.json: the quality report of every bundled template, keyed by
 * its content hash, so a new store imports the catalog without rendering each template to
 * score it (src/quality/catalog-snapshot.ts). `npm run build` runs it after tsc.
 */
import {writeFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const {buildCatalogSnapshot, SNAPSHOT_FILE} = await import(
  new URL('../dist/src/quality/catalog-snapshot.js', import.meta.url).href
)
const started = performance.now()
const snapshot = await buildCatalogSnapshot(join(root, 'templates_storage'))
writeFileSync(join(root, SNAPSHOT_FILE), `${JSON.stringify(snapshot)}\n`)
const count = Object.keys(snapshot.reports).length
console.log(`catalog snapshot: ${count} templates scored in ${Math.round(performance.now() - started)} ms`)
