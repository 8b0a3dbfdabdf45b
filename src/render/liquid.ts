import {Liquid} from 'liquidjs'
import type {FS, LiquidOptions} from 'liquidjs'

import {RenderError, RenderLimitError} from '../domain/errors.js'
import type {RenderLimit} from '../domain/errors.js'

/**
 * Hard ceilings for one engine. Templates come from other people (published to a shared
 * daemon), so every engine carries LiquidJS's DoS limits; callers tighten `renderLimit`
 * per call with the time left in their own budget.
 */
export const LIQUID_LIMITS = Object.freeze({
  /** Characters parsed per parse() call. */
  parseLimit: 10_000_000,
  /** Milliseconds per render() call. */
  renderLimit: 10_000,
  /** LiquidJS memory units (roughly characters and array slots created) per render() call. */
  memoryLimit: 64 * 1024 * 1024,
})

/**
 * An `fs` for LiquidJS that only knows the files in `files`: `{% include %}` and
 * `{% render %}` can reach template files and nothing else. LiquidJS's own MapFS looks
 * names up on a plain object, where `constructor` would resolve to a prototype member;
 * a Map has no such keys.
 */
function memoryFs(files: ReadonlyMap<string, string>): FS {
  const read = (path: string): string => {
    const text = files.get(path)
    if (text === undefined) throw new Error(`ENOENT: no template file ${JSON.stringify(path)}`)
    return text
  }
  return {
    sep: '/',
    exists: async (path) => files.has(path),
    existsSync: (path) => files.has(path),
    readFile: async (path) => read(path),
    readFileSync: read,
    contains: async () => true,
    containsSync: () => true,
    dirname: (path) => path.split('/').slice(0, -1).join('/'),
    // Resolve `..` and `.` lexically against the including file; a name that climbs out
    // of the map simply is not found, there is no disk underneath.
    resolve: (dir, file, ext) => {
      const segments = dir === '.' || dir === '' ? [] : dir.split('/')
      for (const segment of `${file}${ext}`.split('/')) {
        if (segment === '' || segment === '.') continue
        if (segment === '..') segments.pop()
        else segments.push(segment)
      }
      return segments.join('/')
    },
  }
}

/** Splits identifiers and phrases into words: `myHTTPServer`, `my-http server` → my, HTTP, Server. */
function words(value: unknown): string[] {
  // Any Liquid value: an object reads as JavaScript prints it, as in the rendered output.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
}

const capitalise = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()

/** The filters templates get on top of Liquid's standard ones (`json` is built in). */
export const EXTRA_FILTERS: Readonly<Record<string, (value: unknown) => string>> = Object.freeze({
  slugify: (v: unknown) =>
    words(v)
      .map((w) => w.toLowerCase())
      .join('-'),
  snake_case: (v: unknown) =>
    words(v)
      .map((w) => w.toLowerCase())
      .join('_'),
  kebab_case: (v: unknown) =>
    words(v)
      .map((w) => w.toLowerCase())
      .join('-'),
  camel_case: (v: unknown) =>
    words(v)
      .map((w, i) => (i === 0 ? w.toLowerCase() : capitalise(w)))
      .join(''),
  pascal_case: (v: unknown) => words(v).map(capitalise).join(''),
  upper_snake_case: (v: unknown) =>
    words(v)
      .map((w) => w.toUpperCase())
      .join('_'),
})

let locale: string | undefined
/** The locale LiquidJS's date filter names months and days in by default: this machine's. */
const machineLocale = (): string => (locale ??= Intl.DateTimeFormat().resolvedOptions().locale)

const noFiles: ReadonlyMap<string, string> = new Map()
let shared: Liquid | undefined
const perFiles = new WeakMap<ReadonlyMap<string, string>, Liquid>()

/**
 * A LiquidJS engine configured for untrusted templates.
 *
 * - strict variables and filters: a typo is an error, not an empty string;
 * - `ownPropertyOnly`: `{{ x.constructor }}` and `{{ x.__proto__ }}` are undefined (and so errors);
 * - partials come only from `files` (an in-memory file system), never from disk;
 * - parse, render-time and memory limits (see {@link LIQUID_LIMITS}).
 *
 * Engines hold no per-render state, so one is shared per `files` map (and one for none).
 *
 * @example
 * ```ts
 * const liquid = createLiquid({files: new Map([['_header.md', '# {{ name }}']])})
 * await liquid.parseAndRender('{% render "_header.md", name: name %}', {name: 'billing'}) // '# billing'
 * ```
 */
export function createLiquid(opts: {files?: ReadonlyMap<string, string>} = {}): Liquid {
  const files = opts.files ?? noFiles
  if (files === noFiles && shared) return shared
  const cached = perFiles.get(files)
  if (cached) return cached
  const options: LiquidOptions = {
    fs: memoryFs(files),
    root: ['.'],
    partials: ['.'],
    layouts: ['.'],
    relativeReference: true,
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // The template cache is keyed by file name; engines are shared, so keep it off.
    cache: false,
    ...LIQUID_LIMITS,
  }
  // A locale given here spares LiquidJS looking up the machine's (Intl.DateTimeFormat():
  // ICU's start-up, ~100 ms, on every engine); the getter below then answers with the
  // machine's, as LiquidJS would, but only when a template formats a date with names.
  const liquid = new Liquid({...options, locale: 'en-US'})
  Object.defineProperty(liquid.options, 'locale', {get: machineLocale, enumerable: true, configurable: true})
  for (const [name, filter] of Object.entries(EXTRA_FILTERS)) liquid.registerFilter(name, filter)
  if (files === noFiles) shared = liquid
  else perFiles.set(files, liquid)
  return liquid
}

/** Liquid's truthiness: only `false`, `nil` (and undefined) are false; `""` and `0` are true. */
export function isLiquidTruthy(value: unknown): boolean {
  return value !== false && value !== null && value !== undefined
}

/**
 * Evaluates a `when` condition (`use_docker`, `database != "none"`, `features contains "auth"`)
 * against `scope` with Liquid's truthiness. Errors (syntax, unknown variable) are thrown
 * as LiquidJS raised them; wrap them with {@link liquidErrorToRenderError}.
 *
 * @example
 * ```ts
 * await evalCondition(createLiquid(), 'database != "none"', {database: 'postgres'}) // true
 * ```
 */
export async function evalCondition(liquid: Liquid, expression: string, scope: object): Promise<boolean> {
  return isLiquidTruthy(await liquid.evalValue(expression, scope))
}

interface LiquidErrorLike extends Error {
  token?: {getPosition(): [number, number]; file?: string; input?: string}
  originalError?: Error
}

/** Whether `err` came from LiquidJS (parse, tokenize, render, undefined variable, limits). */
export function isLiquidError(err: unknown): err is LiquidErrorLike {
  return err instanceof Error && typeof (err as LiquidErrorLike).token?.getPosition === 'function'
}

/**
 * The message of a LiquidJS error without the position LiquidJS appends to it
 * (`undefined variable: x`, not `undefined variable: x, line:1, col:4`).
 *
 * @example
 * ```ts
 * liquidErrorMessage(err) // 'undefined filter: shout'
 * ```
 */
export function liquidErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const raw = isLiquidError(err) ? (err.originalError?.message ?? err.message) : err.message
  return raw.replace(/(, file:.*?)?, line:\d+, col:\d+$/, '')
}

/** LiquidJS's Limiter messages (`${resource} limit exceeded`), and V8's for templates nested too deep. */
const LIQUID_LIMITS_HIT: readonly (readonly [RegExp, RenderLimit])[] = [
  [/^template render limit exceeded/, 'time'],
  [/^memory alloc limit exceeded/, 'memory'],
  [/^parse length limit exceeded/, 'parse'],
  [/^Maximum call stack size exceeded/, 'nesting'],
]

/**
 * Which render limit a LiquidJS error reports, if it reports one: its render-time,
 * memory and parse-length limits, or a template nested so deep that parsing it ran out
 * of stack.
 *
 * @example
 * ```ts
 * liquidLimitHit(err) // 'memory' for "memory alloc limit exceeded, line:1, col:1"
 * ```
 */
export function liquidLimitHit(err: unknown): RenderLimit | undefined {
  if (!(err instanceof Error)) return undefined
  const message = liquidErrorMessage(err)
  return LIQUID_LIMITS_HIT.find(([pattern]) => pattern.test(message))?.[1]
}

/**
 * Turns a LiquidJS error into a RenderError that names the template file and the
 * line/column of the offending token. `file` is the file being rendered, `text` its
 * source. An error inside an included partial is reported at the partial: LiquidJS
 * tokens carry the source they were cut from, which is looked up in `partials` (name →
 * text), and `partialFile(name)` gives the file name to report. A LiquidJS limit
 * (render time, memory, parse length, nesting) becomes a RenderLimitError instead.
 *
 * @example
 * ```ts
 * try { await liquid.parseAndRender(text, ctx) }
 * catch (err) { throw liquidErrorToRenderError(err, 'files/README.md', {text}) }
 * ```
 */
export function liquidErrorToRenderError(
  err: unknown,
  file: string,
  opts: {text?: string; partials?: ReadonlyMap<string, string>; partialFile?: (name: string) => string} = {},
): RenderError | RenderLimitError {
  if (err instanceof RenderError || err instanceof RenderLimitError) return err
  const limit = liquidLimitHit(err)
  if (!isLiquidError(err)) {
    if (limit) return new RenderLimitError(`${file}: ${liquidErrorMessage(err)}`, {limit, file})
    return new RenderError(liquidErrorMessage(err), {file}, err)
  }
  const message = liquidErrorMessage(err)
  const token = err.token!
  const [line, column] = token.getPosition()
  let partial = token.file
  const input = (token as {input?: unknown}).input
  if (partial === undefined && opts.text !== undefined && typeof input === 'string' && input !== opts.text) {
    for (const [name, text] of opts.partials ?? []) {
      if (text === input) {
        partial = name
        break
      }
    }
  }
  const at = (where: string, text: string): RenderError | RenderLimitError =>
    limit
      ? new RenderLimitError(`${where}:${line}:${column}: ${text}`, {limit, file: where, line, column})
      : new RenderError(text, {file: where, line, column}, err)
  if (partial !== undefined)
    return at((opts.partialFile ?? ((name: string) => name))(partial), `${message} (included from ${file})`)
  return at(file, message)
}
