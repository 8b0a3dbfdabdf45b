/**
 * What the README promises to list in full, checked against the sources: every exit code
 * the CLI uses, and every environment variable. Every variable the code reads is documented twice, for the two places a
 * user looks: `.env.example` (the file they copy) and README's configuration table.
 * The variables are found in the sources themselves, so a new `env.FOO` without its two
 * lines fails here, and so does a documented variable nothing reads any more.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')

/** How the sources read a variable: `process.env.X`, `env.X`, `env['X']`, config's `integer(env, 'X', ...)`, oclif's `env: 'X'`. */
const READS = [
  /\benv\.([A-Z][A-Z0-9_]+)\b/g,
  /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g,
  /\(\s*env,\s*'([A-Z][A-Z0-9_]+)'/g,
  /\benv:\s*'([A-Z][A-Z0-9_]+)'/g,
]

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true, encoding: 'utf8'})
    .filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => join(ROOT, dir, f))
}

/** Variables read by src/, commands/ and bin/, comments (JSDoc examples) left out. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of [...sourceFiles('src'), ...sourceFiles('commands'), ...sourceFiles('bin')]) {
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n')
    for (const pattern of READS) {
      for (const m of code.matchAll(pattern))
        if (!found.has(m[1]!)) found.set(m[1]!, file.slice(ROOT.length + 1))
    }
  }
  return found
}

function envExample(): Set<string> {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8')
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!))
}

function readmeTable(): Set<string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Configuration\n')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  return new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!))
}

describe('configuration documentation', () => {
  const read = variablesRead()

  it('finds the variables the code reads (the scan itself works)', () => {
    for (const name of ['DATABASE_URL', 'LOG_LEVEL', 'SERVICE_HOST', 'MAESTRO_GIT_TOKEN', 'RENDER_WORKERS']) {
      expect(read.has(name), name).toBe(true)
    }
  })

  it('.env.example lists every variable the code reads, and only those', () => {
    const documented = envExample()
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([n, f]) => `${n} (${f})`)
    expect(missing).toEqual([])
    expect([...documented].filter((name) => !read.has(name))).toEqual([])
  })

  it("README's configuration table lists every variable the code reads, and only those", () => {
    const documented = readmeTable()
    const missing = [...read].filter(([name]) => !documented.has(name)).map(([n, f]) => `${n} (${f})`)
    expect(missing).toEqual([])
    expect([...documented].filter((name) => !read.has(name))).toEqual([])
  })
})

/** Exit statuses the sources set: `exitCode: 78`, `{exit: 2}`, `process.exitCode = 1`, `EXIT = 127`. */
function exitCodesUsed(): Map<number, string> {
  const found = new Map<number, string>()
  for (const file of [...sourceFiles('src'), ...sourceFiles('commands'), ...sourceFiles('bin')]) {
    const code = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
      .join('\n')
    for (const m of code.matchAll(/\b(?:exitCode|exit|[A-Z_]*EXIT)\s*[:=(]\s*(\d+)\b/g)) {
      if (!found.has(Number(m[1]))) found.set(Number(m[1]), file.slice(ROOT.length + 1))
    }
  }
  return found
}

describe('exit codes', () => {
  it("README's table lists every exit code the CLI uses, and only those", () => {
    const used = exitCodesUsed()
    expect([...used.keys()]).toEqual(expect.arrayContaining([0, 1, 2, 78, 127, 130]))
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const table = readme.slice(readme.indexOf('Exit codes:'), readme.indexOf('Errors carry a stable code'))
    const documented = new Set([...table.matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1])))
    expect([...used].filter(([n]) => !documented.has(n)).map(([n, f]) => `${n} (${f})`)).toEqual([])
    expect([...documented].filter((n) => !used.has(n))).toEqual([])
  })
})
