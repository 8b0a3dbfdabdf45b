#!/usr/bin/env node
// The CLI runs from the bundle that `npm run build` writes (scripts/bundle.mjs): a few
// files instead of hundreds of modules, which is most of a Node CLI's start-up time.
import {readFileSync} from 'node:fs'
import module from 'node:module'
import {arch, platform, release} from 'node:os'

/**
 * `--version` (or `-v`) answered without loading oclif, the way oclif answers it
 * (`config.userAgent`). Skipped on WSL, which oclif reports as its own platform.
 */
function printVersion() {
  if (!['--version', '-v'].includes(process.argv[2] ?? '')) return false
  if (platform() === 'linux' && isWsl()) return false
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(
    `${name}/${version} ${platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`,
  )
  return true
}

function isWsl() {
  try {
    return /microsoft/i.test(release()) || /microsoft/i.test(readFileSync('/proc/version', 'utf8'))
  } catch {
    return false
  }
}

/**
 * NO_COLOR (https://no-color.org) turns colour off everywhere: oclif's ansis and Node honour
 * it, but chalk (which Ink's prompts colour with) reads only FORCE_COLOR, and reads it once
 * when it loads, so it is translated before anything is imported.
 */
if (process.env.NO_COLOR) process.env.FORCE_COLOR = '0'

if (!printVersion()) {
  // Node 22.1+ keeps V8's compiled code on disk between runs (Node 20 has no such cache).
  module.enableCompileCache?.()
  // DEBUG=1 prints stacks: map them to the TypeScript sources.
  if (process.env.DEBUG) process.setSourceMapsEnabled(true)
  const {execute} = await import('../dist/bundle/oclif.js')
  await execute({dir: import.meta.url})
}
