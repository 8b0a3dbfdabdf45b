import picomatch from 'picomatch'
import type {Liquid, Template} from 'liquidjs'

import {RenderError, RenderLimitError, UnsafePathError} from '../domain/errors.js'
import {PathCollisions, assertSafeRelativePath, isBinary} from '../domain/paths.js'
import type {Answers, LoadedTemplate} from '../domain/types.js'
import {
  createLiquid,
  evalCondition,
  liquidErrorMessage,
  liquidErrorToRenderError,
  liquidLimitHit,
} from './liquid.js'

export interface RenderLimits {
  /** Most files one render may produce. */
  maxFiles?: number
  /** Most bytes (all files together) one render may produce. */
  maxBytes?: number
  /** Wall-clock budget for the whole render, in milliseconds. */
  timeoutMs?: number
}

/** Generous for real templates; a template that needs more is almost certainly abusive. */
export const DEFAULT_RENDER_LIMITS: Readonly<Required<RenderLimits>> = Object.freeze({
  maxFiles: 5000,
  maxBytes: 100 * 1024 * 1024,
  timeoutMs: 30_000,
})

/** Written by the registry next to the rendered files; a template may not produce it. */
export const ANSWERS_FILE = '.maestro-answers.yaml'

export interface RenderMeta {
  template: string
  version: string
  commit: string
}

export interface RenderOptions {
  limits?: RenderLimits
  /** Checked between files: an aborted render stops with the signal's reason (a cancelled workflow). */
  signal?: AbortSignal | undefined
  /** `maestro.year` in templates; defaults to the current year (pass it for reproducible output). */
  year?: number
  /**
   * Liquid already parsed, by source text (file bodies and file-name segments), as
   * boundedTemplate (bounded.ts) returns it: rendered without parsing again.
   */
  parsed?: ReadonlyMap<string, Template[]>
}

const FILES_PREFIX = 'files/'
const utf8Decoder = new TextDecoder('utf-8', {ignoreBOM: true})
const utf8Encoder = new TextEncoder()
const hasLiquid = (text: string): boolean => text.includes('{{') || text.includes('{%')

/**
 * Matches manifest globs (`exclude`, `files[].path`) against source paths under files/.
 * A pattern that is literally the path matches even if it holds `{{ }}` (which picomatch
 * would read as braces), and a pattern naming a folder covers everything inside it.
 */
export function globMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false
  const literal = new Set(patterns.map((p) => p.replace(/\/+$/, '')))
  const glob = picomatch([...patterns], {dot: true})
  return (path) => {
    if (glob(path)) return true
    const parts = path.split('/')
    for (let i = 1; i <= parts.length; i++) if (literal.has(parts.slice(0, i).join('/'))) return true
    return false
  }
}

/**
 * Renders a template into a file map (relative POSIX path → bytes). Pure: no file system,
 * no globals; the same inputs give the same output (pass `opts.year` to pin `maestro.year`).
 *
 * Only files under `files/` are rendered. `exclude` globs drop files; `files` rules add
 * `when` conditions and `raw` (copy contents verbatim). Each path segment is rendered;
 * a path whose rendered form is empty or has an empty segment is skipped (the idiom for
 * optional files). Rendered paths must be safe relative paths and unique. Binary files
 * are copied byte for byte. Contents are rendered with strict Liquid (see createLiquid)
 * over the answers plus `maestro.template`, `maestro.version` and `maestro.year`.
 *
 * Answers are expected to be resolved already (resolveAnswers); parameters without an
 * answer (skipped by `when`, or optional) are `nil` in templates, while any other unknown
 * name is an error naming the file, line and column.
 *
 * @example
 * ```ts
 * const answers = await resolveAnswers(template.manifest.parameters, {project_name: 'billing'})
 * const files = await renderTemplate(template, answers, {template: 'fastapi-service', version: '1.2.0', commit})
 * files.get('billing/__init__.py')
 * ```
 */
export async function renderTemplate(
  template: LoadedTemplate,
  answers: Answers,
  meta: RenderMeta,
  opts: RenderOptions = {},
): Promise<Map<string, Uint8Array>> {
  const limits = {...DEFAULT_RENDER_LIMITS, ...opts.limits}
  const deadline = performance.now() + limits.timeoutMs
  const {manifest} = template

  const sources: [string, Uint8Array][] = []
  const partials = new Map<string, string>()
  for (const [path, bytes] of template.files) {
    if (!path.startsWith(FILES_PREFIX)) continue
    const rel = path.slice(FILES_PREFIX.length)
    sources.push([rel, bytes])
    // Any text file under files/ can be included ({% render "_partials/header.md" %});
    // exclude a partial to keep it out of the output.
    if (!isBinary(bytes)) partials.set(rel, utf8Decoder.decode(bytes))
  }
  sources.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const liquid = createLiquid({files: partials})

  // defineProperty, not assignment: an answer named `__proto__` must stay a plain key.
  const context: Record<string, unknown> = {}
  const define = (key: string, value: unknown) =>
    Object.defineProperty(context, key, {value, enumerable: true, writable: true, configurable: true})
  for (const p of manifest.parameters) define(p.name, null)
  for (const [key, value] of Object.entries(answers)) define(key, value)
  define('maestro', {
    template: meta.template,
    version: meta.version,
    year: opts.year ?? new Date().getFullYear(),
  })

  const excluded = globMatcher(manifest.exclude)
  const rules = manifest.files.map((rule) => ({rule, matches: globMatcher([rule.path])}))
  const out = new Map<string, Uint8Array>()
  const origin = new Map<string, string>()
  const collisions = new PathCollisions('rendered path')
  collisions.add(ANSWERS_FILE)
  let bytesOut = 0

  const remaining = (file: string): number => {
    const left = deadline - performance.now()
    if (left <= 0)
      throw new RenderLimitError(`rendering took longer than ${limits.timeoutMs} ms (stopped at ${file})`, {
        limit: 'time',
        file,
        timeoutMs: limits.timeoutMs,
      })
    return Math.ceil(left)
  }

  for (const [rel, bytes] of sources) {
    opts.signal?.throwIfAborted()
    const file = FILES_PREFIX + rel
    if (excluded(rel)) continue
    const matching = rules.filter((r) => r.matches(rel)).map((r) => r.rule)
    let skip = false
    for (const rule of matching) {
      if (rule.when === undefined) continue
      try {
        if (!(await evalCondition(liquid, rule.when, context))) skip = true
      } catch (err) {
        throw new RenderError(
          `files rule ${JSON.stringify(rule.path)}: when ${JSON.stringify(rule.when)} failed: ${liquidErrorMessage(err)}`,
          {file: 'manifest.yaml'},
          err,
        )
      }
    }
    if (skip) continue

    const target = await renderPath(liquid, rel, file, context, remaining(file), opts.parsed)
    if (target === undefined) continue
    try {
      assertSafeRelativePath(target, 'rendered path')
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err
      throw new UnsafePathError(target, `${String(err.data.reason)} (rendered from ${file})`)
    }
    if (target === ANSWERS_FILE)
      throw new RenderError(`${ANSWERS_FILE} is written by maestro-tpl; rename the file`, {file})
    const earlier = origin.get(target)
    if (earlier !== undefined)
      throw new RenderError(`${FILES_PREFIX}${earlier} and ${file} both render to ${target}`, {file})
    collisions.add(target)

    let body = bytes
    const raw = matching.some((rule) => rule.raw === true)
    if (!raw && partials.has(rel)) {
      const text = partials.get(rel)!
      if (hasLiquid(text))
        body = utf8Encoder.encode(
          await renderText(liquid, text, file, context, remaining(file), partials, opts.parsed),
        )
    }

    if (out.size >= limits.maxFiles)
      throw new RenderLimitError(`the template renders more than ${limits.maxFiles} files`, {
        limit: 'files',
        maxFiles: limits.maxFiles,
      })
    bytesOut += body.byteLength
    if (bytesOut > limits.maxBytes)
      throw new RenderLimitError(`the template renders more than ${limits.maxBytes} bytes`, {
        limit: 'bytes',
        file,
        maxBytes: limits.maxBytes,
      })
    out.set(target, body)
    origin.set(target, rel)
  }
  return out
}

/**
 * Renders each segment of a source path. Returns undefined when a segment renders to
 * nothing, the idiom for optional files (`{% if use_docker %}Dockerfile{% endif %}`).
 */
async function renderPath(
  liquid: Liquid,
  rel: string,
  file: string,
  context: object,
  renderLimit: number,
  parsed?: ReadonlyMap<string, Template[]>,
): Promise<string | undefined> {
  const segments: string[] = []
  for (const segment of rel.split('/')) {
    if (!hasLiquid(segment)) {
      segments.push(segment)
      continue
    }
    let rendered: string
    try {
      rendered = String(await parseAndRender(liquid, segment, context, renderLimit, parsed))
    } catch (err) {
      const limit = liquidLimitHit(err)
      if (limit)
        throw new RenderLimitError(`${file}: in the file name: ${liquidErrorMessage(err)}`, {limit, file})
      throw new RenderError(`in the file name: ${liquidErrorMessage(err)}`, {file}, err)
    }
    if (rendered === '') return undefined
    segments.push(rendered)
  }
  return segments.join('/')
}

async function renderText(
  liquid: Liquid,
  text: string,
  file: string,
  context: object,
  renderLimit: number,
  partials: ReadonlyMap<string, string>,
  parsed?: ReadonlyMap<string, Template[]>,
): Promise<string> {
  try {
    return String(await parseAndRender(liquid, text, context, renderLimit, parsed))
  } catch (err) {
    throw liquidErrorToRenderError(err, file, {text, partials, partialFile: (name) => FILES_PREFIX + name})
  }
}

/** `liquid.parseAndRender`, skipping the parse when `parsed` has the text's templates. */
function parseAndRender(
  liquid: Liquid,
  text: string,
  context: object,
  renderLimit: number,
  parsed: ReadonlyMap<string, Template[]> | undefined,
): Promise<unknown> {
  const templates = parsed?.get(text)
  return templates === undefined
    ? liquid.parseAndRender(text, context, {renderLimit})
    : liquid.render(templates, context, {renderLimit})
}
