#!/usr/bin/env node
// Reads the JUnit XML reports of repeated runs of one suite and prints, as JSON, the tests
// that failed in some runs and passed in others (flaky), and those that failed in every run
// (broken: not flaky, fix them). Usage: node scripts/find-flaky.mjs REPORT_DIR [quarantine.json]
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

const unescape = (s) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')

const attribute = (tag, name) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return match ? unescape(match[1]) : ''
}

/** Every test case of one JUnit report: its id and whether it passed (skipped ones are left out). */
export function parseJUnit(xml) {
  const results = []
  const cases = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g
  for (const match of xml.matchAll(cases)) {
    const [, attributes, , body = ''] = match
    if (/<skipped\b/.test(body)) continue
    const id = `${attribute(attributes, 'classname')}::${attribute(attributes, 'name')}`
    results.push({id, passed: !/<(failure|error)\b/.test(body)})
  }
  return results
}

/** Flaky: failed at least once and passed at least once; broken: failed every time. */
export function classify(runs, quarantined = []) {
  const seen = new Map()
  for (const run of runs) {
    for (const {id, passed} of run) {
      const counts = seen.get(id) ?? {passed: 0, failed: 0}
      counts[passed ? 'passed' : 'failed']++
      seen.set(id, counts)
    }
  }
  const known = new Set(quarantined)
  const flaky = []
  const broken = []
  for (const [id, counts] of [...seen].sort(([a], [b]) => a.localeCompare(b))) {
    if (counts.failed === 0) continue
    const entry = {id, ...counts, quarantined: known.has(id)}
    ;(counts.passed > 0 ? flaky : broken).push(entry)
  }
  return {runs: runs.length, flaky, broken}
}

function reportFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return reportFiles(path)
    return name.endsWith('.xml') ? [path] : []
  })
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir, quarantineFile] = process.argv.slice(2)
  if (!dir) {
    console.error('usage: node scripts/find-flaky.mjs REPORT_DIR [quarantine.json]')
    process.exit(2)
  }
  const files = reportFiles(dir)
  if (files.length === 0) {
    console.error(`no JUnit reports (*.xml) under ${dir}`)
    process.exit(2)
  }
  const quarantined = quarantineFile
    ? JSON.parse(readFileSync(quarantineFile, 'utf8')).tests.map((t) => t.id)
    : []
  const result = classify(files.map((f) => parseJUnit(readFileSync(f, 'utf8'))), quarantined)
  console.log(JSON.stringify(result, null, 2))
}
