#!/usr/bin/env node
/**
 * Bundles the CLI for a fast cold start; `npm run build` runs it after tsc and before
 * `oclif manifest`.
 *
 * Loading hundreds of small files is what makes a Node CLI slow to start (kysely
 * alone is 280 ES modules, @oclif/core 80 CommonJS files), and Node 20 has no module
 * compile cache. esbuild packs them into a handful of ES modules in dist/bundle/:
 *
 * - `index.js` exports `COMMANDS` (id → class) for oclif's explicit command discovery
 *   (`oclif.commands` in package.json): every class in commands/, and `help` from
 *   @oclif/plugin-help (bundled rather than loaded as a plugin at every start).
 * - `oclif.js` re-exports @oclif/core's `execute` for bin/run.js, so the CLI and its
 *   commands share one bundled copy of @oclif/core.
 * - `render-worker.js`: the daemon's render worker (src/sandbox/worker.ts), which a worker
 *   thread loads by file name (defaultWorkerEntry in src/sandbox/pool.ts).
 * - `chunks/*.js`: shared code, and the modules commands import lazily
 *   (`await import(...)`): kysely, isomorphic-git, ajv, liquidjs, ink, express... each
 *   loads only when a command needs it.
 *
 * dist/src and dist/commands (tsc) stay as they are for the library, tests and bench.
 *
 * @example
 * ```sh
 * node scripts/bundle.mjs             # after tsc; then `oclif manifest`
 * node scripts/bundle.mjs --analyze   # and what each output file holds
 * ```
 */
import {cpSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'dist', 'bundle')
const require = createRequire(join(ROOT, 'package.json'))

/**
 * Left in node_modules and imported from there when first needed:
 * - better-sqlite3's native addon (its JavaScript is bundled: see betterSqlite3Addon);
 * - pg (and its optional pg-native): loaded only for postgres:// URLs;
 * - swagger-ui-dist: the daemon serves the files of its folder in node_modules;
 * - pino, thread-stream: start worker threads from files beside their own modules;
 * - typescript, ts-node: @oclif/core's development-time TypeScript support;
 * - react-devtools-core: ink's optional devtools (DEV=true), not installed.
 */
const EXTERNAL = [
  'better-sqlite3/build/*',
  'pg',
  'pg-native',
  // Loaded on demand by src/cache/redis-connection.ts, only with REDIS_URL.
  'redis',
  'swagger-ui-dist',
  'pino',
  'thread-stream',
  'typescript',
  'ts-node',
  'react-devtools-core',
]

/** `commands/quality/report.ts` → `quality:report`, as oclif's pattern discovery names it. */
function commandFiles() {
  const dir = join(ROOT, 'commands')
  return readdirSync(dir, {recursive: true, encoding: 'utf8'})
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
    .map((file) => ({id: file.replace(/\.ts$/, '').split(sep).join(':'), path: join(dir, file)}))
}

/**
 * plugin-help's `help` command. Its package exports only its index, so the file is
 * found beside it.
 */
function helpCommandFile() {
  return join(dirname(require.resolve('@oclif/plugin-help')), 'commands', 'help.js')
}

/**
 * @oclif/plugin-autocomplete's commands (`autocomplete`, and the `create` and `script`
 * it runs), bundled like help instead of loaded as a plugin: its package exports only an
 * empty index, so the files are found beside it.
 */
function autocompleteCommandFiles() {
  const dir = join(dirname(require.resolve('@oclif/plugin-autocomplete')), 'commands', 'autocomplete')
  return [
    {id: 'autocomplete', path: join(dir, 'index.js')},
    {id: 'autocomplete:create', path: join(dir, 'create.js')},
    {id: 'autocomplete:script', path: join(dir, 'script.js')},
  ]
}

/**
 * The generated `index.js`: every command class by id, and the hooks package.json's
 * `oclif.hooks` names (`commandNotFound`: src/cli/not-found.ts, which hands over to
 * @oclif/plugin-not-found at a terminal).
 */
function commandsEntry() {
  const commands = [...commandFiles(), {id: 'help', path: helpCommandFile()}, ...autocompleteCommandFiles()]
  const spec = (path) =>
    JSON.stringify(
      relative(ROOT, path)
        .split(sep)
        .join('/')
        .replace(/^(?!\.)/, './'),
    )
  const imports = commands.map((c, i) => `import C${i} from ${spec(c.path)}`)
  const entries = commands.map((c, i) => `  ${JSON.stringify(c.id)}: C${i},`)
  const hooks = `export {commandNotFound} from './src/cli/not-found.ts'\n`
  return `${imports.join('\n')}\n${hooks}\nexport const COMMANDS = {\n${entries.join('\n')}\n}\n`
}

const VIRTUAL = {
  'maestro:commands': commandsEntry,
  'maestro:oclif': () => `export {execute} from '@oclif/core'\n`,
}

/** @type {import('esbuild').Plugin} */
const virtualEntries = {
  name: 'maestro-entries',
  setup(b) {
    b.onResolve({filter: /^maestro:/}, (args) => ({path: args.path, namespace: 'maestro'}))
    b.onLoad({filter: /.*/, namespace: 'maestro'}, (args) => ({
      contents: VIRTUAL[args.path](),
      resolveDir: ROOT,
      loader: 'js',
    }))
  },
}

/**
 * ink (with DEV=true) reads its own package.json relative to its module, which in
 * the bundle is dist/bundle: its name and version are written in at build time.
 *
 * @type {import('esbuild').Plugin}
 */
const inkPackageJson = {
  name: 'ink-package-json',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]ink[\\/]build[\\/]reconciler\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const {name, version} = JSON.parse(readFileSync(join(dirname(args.path), '..', 'package.json'), 'utf8'))
      const read =
        /fs\.readFileSync\(new URL\(['"]\.\.\/package\.json['"], import\.meta\.url\), ['"]utf8['"]\)/
      return {contents: source.replace(read, JSON.stringify(JSON.stringify({name, version}))), loader: 'js'}
    })
  },
}

/**
 * better-sqlite3's JavaScript is bundled: its 15 CommonJS files cost ~10 ms to load
 * from node_modules on every command. Its native addon stays where its install
 * script (`prebuild-install || node-gyp rebuild --release`) puts it, and is required
 * from there by package path: `bindings`, which it uses to find the addon, searches
 * beside the calling file, which in the bundle is dist/bundle.
 *
 * @type {import('esbuild').Plugin}
 */
const betterSqlite3Addon = {
  name: 'better-sqlite3-addon',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]better-sqlite3[\\/]lib[\\/]database\.js$/}, (args) => {
      const source = readFileSync(args.path, 'utf8')
      const load = "require('bindings')('better_sqlite3.node')"
      if (!source.includes(load))
        throw new Error(`better-sqlite3 no longer loads its addon with ${load}: update scripts/bundle.mjs`)
      const addon = JSON.stringify('better-sqlite3/build/Release/better_sqlite3.node')
      return {contents: source.replace(load, `require(${addon})`), loader: 'js'}
    })
  },
}

/**
 * A file found relative to a module (`new URL('./worker.js', import.meta.url)`) is
 * not in dist/bundle: such code must use packageRoot(), or its package must be
 * external, or the file an entry point here. Fails the build rather than the user.
 */
function assertNoModuleRelativeFiles(outputs) {
  const found = []
  for (const file of outputs.filter((f) => f.endsWith('.js'))) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/new URL\(\s*(["'`])\.{1,2}\/[^"'`]*\1\s*,\s*import\.meta\.url\s*\)/g))
      found.push(`${relative(ROOT, file)}: ${m[0]}`)
  }
  if (found.length > 0)
    throw new Error(
      `module-relative files do not survive bundling (see scripts/bundle.mjs):\n${found.join('\n')}`,
    )
}

/**
 * With code splitting, esbuild turns `await import('pkg')` of a CommonJS package into a
 * chunk that exports only `default` (`export default require_pkg()`): named exports read
 * from it (`const {parse} = await import('yaml')`) are undefined at run time, though tsc
 * and the unbundled tests are happy. Fails the build when our code does that; import
 * such a package statically, or take its `default`.
 */
function assertNoNamedExportsFromCommonJsChunks(metafile) {
  const defaultOnly = new Set(
    Object.values(metafile.outputs)
      .filter((o) => o.entryPoint?.includes('node_modules/') && o.exports.join() === 'default')
      .map((o) => o.entryPoint),
  )
  const found = []
  for (const [input, {imports}] of Object.entries(metafile.inputs)) {
    if (input.includes('node_modules/') || input.startsWith('maestro:')) continue
    for (const imp of imports) {
      if (imp.kind !== 'dynamic-import' || imp.external || !defaultOnly.has(imp.path)) continue
      const source = readFileSync(join(ROOT, input), 'utf8')
      const spec = imp.original.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      const call = `await\\s+import\\(\\s*['"]${spec}['"]\\s*\\)`
      for (const m of source.matchAll(
        new RegExp(`\\{([^{}=;]*)\\}\\s*=\\s*${call}|\\(${call}\\)\\.(\\w+)`, 'g'),
      )) {
        const names = m[1] === undefined ? [m[2]] : m[1].split(',').map((n) => n.split(':')[0].trim())
        const named = names.filter((n) => n && n !== 'default')
        if (named.length > 0) found.push(`${input}: ${m[0]} (${named.join(', ')})`)
      }
    }
  }
  if (found.length > 0)
    throw new Error(
      `named exports of a dynamically imported CommonJS package are undefined in the bundle (see scripts/bundle.mjs):\n${found.join('\n')}`,
    )
}

/** Builds dist/bundle; returns esbuild's metafile. */
export async function bundle() {
  rmSync(OUT, {recursive: true, force: true})
  const {metafile} = await build({
    absWorkingDir: ROOT,
    // render-worker: the daemon starts it as a file (a worker thread): see src/sandbox/pool.ts.
    entryPoints: {
      index: 'maestro:commands',
      oclif: 'maestro:oclif',
      'render-worker': 'src/sandbox/worker.ts',
    },
    outdir: OUT,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'bundle',
    external: EXTERNAL,
    plugins: [virtualEntries, inkPackageJson, betterSqlite3Addon],
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    // CommonJS dependencies call require() for Node built-ins and (@oclif/core) to
    // load plugins; an ES module has none, so every file gets one.
    banner: {
      js: "import {createRequire as __bundleCreateRequire} from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);",
    },
    // Not minified: that saved no measurable start-up time, and stack traces stay
    // readable. keepNames keeps class names that bundling renames (Config → Config2).
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
  })
  assertNoModuleRelativeFiles(Object.keys(metafile.outputs).map((f) => join(ROOT, f)))
  assertNoNamedExportsFromCommonJsChunks(metafile)
  return metafile
}

/** `--analyze`: each output file, its largest packages, and the files it imports statically. */
function analyze(metafile) {
  const origin = (input) => {
    const at = input.lastIndexOf('node_modules/')
    if (at < 0) return input.split('/').slice(0, 2).join('/')
    const parts = input.slice(at + 'node_modules/'.length).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!file.endsWith('.js')) continue
    const sizes = {}
    for (const [input, {bytesInOutput}] of Object.entries(output.inputs))
      sizes[origin(input)] = (sizes[origin(input)] ?? 0) + bytesInOutput
    const largest = Object.entries(sizes)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)}k`)
    const name = (path) => relative(OUT, join(ROOT, path))
    const imports = output.imports.filter((i) => i.kind === 'import-statement' && !i.external)
    console.log(
      `${name(file).padEnd(36)} ${(output.bytes / 1024).toFixed(0).padStart(5)} KiB  ${largest.join(', ')}` +
        (imports.length > 0 ? `  (imports ${imports.map((i) => name(i.path)).join(' ')})` : ''),
    )
  }
}

/**
 * The web catalog's styles and script (src/web/assets) ship as files: the daemon serves
 * them from dist/web/assets, the package holds no src/.
 */
function copyWebAssets() {
  const to = join(ROOT, 'dist', 'web', 'assets')
  rmSync(to, {recursive: true, force: true})
  cpSync(join(ROOT, 'src', 'web', 'assets'), to, {recursive: true})
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const metafile = await bundle()
  copyWebAssets()
  const outputs = Object.entries(metafile.outputs).filter(([f]) => f.endsWith('.js'))
  const kib = outputs.reduce((n, [, o]) => n + o.bytes, 0) / 1024
  console.log(`bundled into ${relative(ROOT, OUT)}: ${outputs.length} files, ${kib.toFixed(0)} KiB`)
  if (process.argv.includes('--analyze')) analyze(metafile)
}
