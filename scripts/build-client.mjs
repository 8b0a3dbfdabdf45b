/**
 * Builds the SDK workspace package (packages/client) into packages/client/dist: tsc
 * with declarations, the domain modules it shares with the daemon compiled beside it.
 * Then checks what `npm install @maestro-tpl/client` promises: the emitted code imports
 * nothing but Node's built-ins and its own files, so the package needs no dependency.
 */
import {execFileSync} from 'node:child_process'
import {copyFileSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = join(root, 'packages', 'client')
const dist = join(pkg, 'dist')

rmSync(dist, {recursive: true, force: true})
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', join(pkg, 'tsconfig.json')], {stdio: 'inherit'})
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'))

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g
const outside = []
for (const file of readdirSync(dist, {recursive: true, encoding: 'utf8'})) {
  if (!file.endsWith('.js')) continue
  const text = readFileSync(join(dist, file), 'utf8')
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2]
    if (spec.startsWith('node:') || spec.startsWith('./') || spec.startsWith('../')) continue
    outside.push(`${relative(root, join(dist, file))} imports ${spec}`)
  }
}
if (outside.length > 0) {
  console.error(
    `@maestro-tpl/client must import only node: built-ins and its own files:\n${outside.join('\n')}`,
  )
  process.exit(1)
}
