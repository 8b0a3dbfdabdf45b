import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {onTestFinished} from 'vitest'

import {loadConfig} from '../../src/config.js'
import {scaffoldTemplate} from '../../src/domain/scaffold.js'
import type {RequestContext} from '../../src/registry/types.js'

/** A temporary folder removed when the current test ends. */
export function tempDir(prefix = 'maestro-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onTestFinished(() => rmSync(dir, {recursive: true, force: true}))
  return dir
}

/** An empty folder, so a store opened on it imports no catalog. */
export function emptyCatalog(): string {
  return tempDir('maestro-empty-catalog-')
}

/** A config on a fresh store; RBAC is off unless `env` turns it on (test/integration/server/auth-support.ts does). */
export function testConfig(env: Record<string, string> = {}) {
  return loadConfig({
    MAESTRO_HOME: tempDir('maestro-home-'),
    TEMPLATES_STORAGE_PATH: emptyCatalog(),
    ENABLE_RBAC: 'false',
    ...env,
  })
}

export const LOCAL: RequestContext = {tenant: 'local', user: 'local', role: 'admin'}

/**
 * Writes a valid, gate-passing template folder (the scaffold) with overrides:
 * extra or replaced files, and manifest fields patched textually.
 */
export async function writeTemplate(
  dir: string,
  opts: {
    name?: string
    category?: string
    version?: string
    files?: Record<string, string | Uint8Array>
  } = {},
): Promise<string> {
  const files = scaffoldTemplate({
    name: opts.name ?? 'demo-template',
    category: opts.category ?? 'backend_developer',
  })
  const encoder = new TextEncoder()
  if (opts.version) {
    const manifest = new TextDecoder().decode(files.get('manifest.yaml'))
    files.set('manifest.yaml', encoder.encode(manifest.replace(/^version: .*$/m, `version: ${opts.version}`)))
  }
  for (const [path, content] of Object.entries(opts.files ?? {})) {
    files.set(path, typeof content === 'string' ? encoder.encode(content) : content)
  }
  for (const [path, content] of files) {
    await mkdir(dirname(join(dir, path)), {recursive: true})
    await writeFile(join(dir, path), content)
  }
  return dir
}

/** Runs the real git CLI against a bare repository. */
export function git(repoDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', repoDir, ...args], {encoding: 'utf8'})
}
