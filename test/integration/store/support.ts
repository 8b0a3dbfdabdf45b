/**
 * Helpers of the store tests: temporary stores, the real git binary, template folders,
 * and a build of src/store that a child process can run.
 */
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import ts from 'typescript'
import {afterAll} from 'vitest'

import type {TemplateFiles} from '../../../src/domain/types.js'

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const made: string[] = []

afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, {recursive: true, force: true})
})

/** A temporary folder removed after the test file. */
export function tempDir(prefix = 'maestro-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** Runs the real git against a bare repository and returns its stdout. */
export function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir()},
  })
}

/** `git fsck --strict`: returns its output and throws (with git's complaints) when it fails. */
export function fsck(gitDir: string): string {
  try {
    return execFileSync('git', ['--git-dir', gitDir, 'fsck', '--strict', '--full', '--no-dangling'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir()},
    })
  } catch (err) {
    const {stdout, stderr} = err as {stdout?: string; stderr?: string}
    throw new Error(`git fsck --strict failed:\n${stdout ?? ''}${stderr ?? ''}`, {cause: err})
  }
}

/** Number of loose objects and packs: proves that a refused change wrote nothing. */
export function objectFiles(gitDir: string): number {
  const objects = join(gitDir, 'objects')
  let count = 0
  for (const entry of readdirSync(objects, {withFileTypes: true, recursive: true}))
    if (entry.isFile()) count++
  return count
}

const encoder = new TextEncoder()
export const text = (value: string): Uint8Array => encoder.encode(value)
export const decode = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes)

/** A small template folder with a manifest, a README, an example and `extra` files. */
export function templateFiles(
  name: string,
  version = '1.0.0',
  extra: Record<string, string> = {},
  category = 'backend_developer',
): TemplateFiles {
  const files: TemplateFiles = new Map([
    [
      'manifest.yaml',
      text(`name: ${name}\nversion: ${version}\ncategory: ${category}\ndescription: ${name} template\n`),
    ],
    ['README.md', text(`# ${name}\n\nVersion ${version}.\n`)],
    ['examples/basic.yaml', text('project_name: demo\n')],
    ['files/src/{{ project_name }}/main.py', text(`print("${name} ${version}")\n`)],
  ])
  for (const [path, content] of Object.entries(extra)) files.set(path, text(content))
  return files
}

/**
 * Transpiles src/store (and the domain files it imports) to plain ESM in a temporary
 * folder, so a child process can run the real store code: the test runner's TypeScript
 * loader exists only inside vitest. Returns the folder.
 */
export function buildStoreForChild(): string {
  const out = tempDir('maestro-store-child-')
  for (const folder of ['src/store', 'src/domain']) {
    for (const file of readdirSync(join(PROJECT, folder))) {
      if (!file.endsWith('.ts')) continue
      const source = readFileSync(join(PROJECT, folder, file), 'utf8')
      const {outputText} = ts.transpileModule(source, {
        compilerOptions: {module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022},
      })
      const target = join(out, folder, file.replace(/\.ts$/, '.js'))
      mkdirSync(dirname(target), {recursive: true})
      writeFileSync(target, outputText)
    }
  }
  writeFileSync(join(out, 'package.json'), '{"type": "module"}\n')
  symlinkSync(join(PROJECT, 'node_modules'), join(out, 'node_modules'), 'dir')
  writeFileSync(join(out, 'child.js'), CHILD)
  return out
}

/**
 * The child: `hold ROOT NS MS [STALE_MS]` takes the namespace lock, says "locked", holds
 * it MS milliseconds (forever when MS is -1), commits one template and says "released";
 * `commits ROOT NS COUNT PREFIX` commits COUNT templates, each under the lock.
 */
const CHILD = `
import {GitStore} from './src/store/git-store.js'
const [mode, root, namespace, arg, extra] = process.argv.slice(2)
const repo = new GitStore(root).repo(namespace)
await repo.init()
const te = new TextEncoder()
const files = (name) => new Map([['manifest.yaml', te.encode('name: ' + name + '\\n')], ['README.md', te.encode('# ' + name)]])
const create = (name) => repo.commit({operation: 'create', name, version: '1.0.0', path: 'child/' + name, files: files(name)})
if (mode === 'hold') {
  await repo.withLock(async () => {
    process.stdout.write('locked\\n')
    const ms = Number(arg)
    await new Promise((resolve) => (ms < 0 ? setInterval(() => {}, 1000) : setTimeout(resolve, ms)))
    await create('held-' + process.pid)
    process.stdout.write('released ' + Date.now() + '\\n')
  }, {timeoutMs: 20000, ...(extra ? {staleMs: Number(extra)} : {})})
} else if (mode === 'commits') {
  for (let i = 0; i < Number(arg); i++) {
    await repo.withLock(() => create(extra + '-' + i), {timeoutMs: 20000})
  }
  process.stdout.write('done\\n')
}
`

/** Starts the child and resolves once it printed a line starting with `line`. */
export function startChild(
  build: string,
  args: string[],
  waitFor: string,
): Promise<{child: ChildProcess; output: () => string; exited: Promise<number | null>}> {
  const child = spawn(process.execPath, [join(build, 'child.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)))
  return new Promise((resolveStart, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.split('\n').some((l) => l.startsWith(waitFor))) resolveStart({child, output: () => out, exited})
    })
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
    void exited.then((code) => reject(new Error(`child exited (${code}) before "${waitFor}":\n${out}${err}`)))
  })
}
