/**
 * Two versions of one small template and a tree reader, shared by the update tests
 * (the built CLI, and the API against the CLI). 1.1.0 changes lines, adds, removes and
 * (by migration) renames files, renames a parameter and adds one.
 */
import {lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'

export const NAME = 'upd-fixture'

const README = (lines: string[]) => `# {{ project_name }}\n\n${lines.join('\n')}\n`
const LINES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta']

export const LOGO_V1 = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3)
export const LOGO_V2 = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 4)

function manifest(version: string, params: string, migrations = ''): string {
  return `name: ${NAME}
version: ${version}
description: A small template whose versions exercise every rule of update
category: backend_developer
author: maestro tests
parameters:
  - name: project_name
    type: string
    default: demo
${params}${migrations}`
}

export const V1: Record<string, string | Uint8Array> = {
  'manifest.yaml': manifest(
    '1.0.0',
    `  - name: old_flag
    type: string
    default: plain
`,
  ),
  'README.md': '# upd-fixture\n',
  'files/README.md': README(LINES),
  'files/config.txt': 'name={{ project_name }}\nport=8000\nmode=dev\n',
  'files/remove-me.txt': 'obsolete\n',
  'files/rename-me.txt': 'a\nb\nc\nd\n',
  'files/flag.txt': 'flag={{ old_flag }}\n',
  'files/logo.bin': LOGO_V1,
}

export const V2: Record<string, string | Uint8Array> = {
  'manifest.yaml': manifest(
    '1.1.0',
    `  - name: new_flag
    type: string
    default: plain
  - name: license_name
    type: string
    default: MIT
`,
    `migrations:
  - version: 1.1.0
    rename_parameter: {from: old_flag, to: new_flag}
  - version: 1.1.0
    move: {from: rename-me.txt, to: docs/renamed.txt}
`,
  ),
  'README.md': '# upd-fixture\n',
  'files/README.md': README(LINES.map((l) => (l === 'delta' || l === 'eta' ? `${l} v2` : l))),
  'files/config.txt': 'name={{ project_name }}\nport=9000\nmode=dev\n',
  'files/docs/renamed.txt': 'a\nb\nc\nd v2\n',
  'files/flag.txt': 'flag={{ new_flag }}\n',
  'files/logo.bin': LOGO_V2,
  'files/LICENSE': '{{ license_name }}\n',
  'files/added.txt': 'new in 1.1.0\n',
}

export function writeFolder(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** Every file under `dir` (binary ones as `hex:…`), without the work folder of an update. */
export function readTree(dir: string, skip: string[] = ['.git']): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === '' ? name : `${rel}/${name}`
      if (skip.includes(path)) continue
      const st = lstatSync(join(dir, path))
      if (st.isDirectory()) walk(path)
      else {
        const bytes = readFileSync(join(dir, path))
        out[path] = bytes.includes(0) ? `hex:${bytes.toString('hex')}` : bytes.toString('utf8')
      }
    }
  }
  walk('')
  return out
}

export const hex = (bytes: Uint8Array) => `hex:${Buffer.from(bytes).toString('hex')}`

/** The answers file without its commit line (commit ids differ per store). */
export const withoutCommit = (text: string) =>
  text.replace(/^(\s*)commit: [0-9a-f]{40}$/gm, '$1commit: <commit>')
