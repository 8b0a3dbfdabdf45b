import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import type {ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'
import semver from 'semver'
import {LineCounter, isMap, isPair, isScalar, isSeq, parseDocument} from 'yaml'
import type {Document, Node} from 'yaml'

import {InvalidTemplateError, UnsafePathError} from './errors.js'
import type {Issue} from './errors.js'
import {packageRoot} from './package-root.js'
import {assertSafeRelativePath} from './paths.js'
import type {FileRule, Manifest, Migration, Parameter} from './types.js'

/** The template categories of the catalog (docs/template-format.md); defined with the types, which the SDK carries. */
import {CATEGORIES} from './types.js'

export {CATEGORIES}

// Defined in types.ts (no ajv, no yaml) so the registry and the index can name it without
// loading the validator: see WORKFLOW_CATEGORY there.
export {WORKFLOW_CATEGORY} from './types.js'

/** Parameter names templates may not use: `maestro` is the built-in context object. */
const RESERVED_PARAMETER_NAMES = new Set(['maestro'])

let validator: ValidateFunction | undefined

/**
 * The compiled manifest validator. Compiling costs tens of milliseconds, which most CLI
 * commands (search, list) never need, so it happens on first use and is kept.
 */
function manifestValidator(): ValidateFunction {
  if (validator) return validator
  const schema = JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'manifest.schema.json'), 'utf8'),
  ) as Record<string, unknown>
  // validateSchema off: checking our own fixed schema against the meta-schema would
  // triple the compile time on every cold start; a unit test checks it once instead.
  validator = new Ajv2020({
    allErrors: true,
    strict: true,
    allowUnionTypes: true,
    validateSchema: false,
  }).compile(schema)
  return validator
}

/** One PEP 440 version: epoch, release, pre, post, dev, local (`1!2.0rc1.post2.dev3+abc`). */
const PEP440_VERSION = String.raw`v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|rc|alpha|beta|c|pre|preview)[-_.]?\d*)?(?:[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`
const PEP440_CLAUSE = new RegExp(
  String.raw`^(?:(?:==|!=)\s*${PEP440_VERSION}(?:\.\*)?|(?:~=|<=|>=|<|>)\s*${PEP440_VERSION}|===\s*\S+)$`,
  'i',
)

/**
 * Whether `range` is a version range a dependency may declare: an npm-style semver range
 * (`^1.2.0`, `~1.2`, `>=1 <2`, `1.x`, `*`) or a PEP 440 specifier set (`>=0.110,<1`,
 * `==1.2.3`, `~=1.4`, `!=1.5.*`), since templates scaffold Python projects as often as
 * JavaScript ones.
 *
 * @example
 * ```ts
 * isValidDependencyRange('^0.29.0')     // true
 * isValidDependencyRange('>=0.110,<1')  // true
 * isValidDependencyRange('latest')      // false
 * ```
 */
export function isValidDependencyRange(range: string): boolean {
  const trimmed = range.trim()
  if (trimmed === '') return false
  if (semver.validRange(trimmed) !== null) return true
  const clauses = trimmed.split(',').map((c) => c.trim())
  return clauses.every((clause) => {
    // `~=` needs at least two release segments (`~=1` means nothing in PEP 440).
    if (clause.startsWith('~=') && !/^~=\s*v?(?:\d+!)?\d+\.\d+/i.test(clause)) return false
    return PEP440_CLAUSE.test(clause)
  })
}

/** `/parameters/2/type` → `parameters[2].type`; the root is `manifest`. */
export function displayPath(pointer: string): string {
  if (pointer === '') return 'manifest'
  let out = ''
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (/^\d+$/.test(seg)) out += `[${seg}]`
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`
    else out += `[${JSON.stringify(seg)}]`
  }
  return out
}

function pointerSegments(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** Reads a value out of the parsed manifest by JSON pointer (for messages). */
function valueAt(data: unknown, pointer: string): unknown {
  let cur: unknown = data
  for (const seg of pointerSegments(pointer)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, seg)) return undefined
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur
}

/**
 * The YAML node a JSON pointer names, or the deepest ancestor that exists (a missing key
 * is reported at its parent map). With `key`, the key node of that entry in the map.
 */
function nodeAt(doc: Document, pointer: string, key?: string): Node | null {
  let node = doc.contents
  const segments = pointerSegments(pointer)
  if (key !== undefined) segments.push(key)
  for (const [i, seg] of segments.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg)
      if (!pair) return node
      const wantKey = key !== undefined && i === segments.length - 1
      const next = (wantKey ? pair.key : (pair.value ?? pair.key)) as Node | null
      if (!next) return node
      node = next
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined
      if (!item) return node
      node = item
    } else {
      return node
    }
  }
  return node
}

export function position(lc: LineCounter, offset: number | undefined): {line?: number; column?: number} {
  if (offset === undefined) return {}
  const {line, col} = lc.linePos(offset)
  return line > 0 ? {line, column: col} : {line: 1, column: offset + 1}
}

export function nodePosition(doc: Document, lc: LineCounter, pointer: string, key?: string) {
  const node = nodeAt(doc, pointer, key)
  return position(lc, node?.range?.[0])
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  null: 'empty',
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  return `${typeof value} ${JSON.stringify(value)}`
}

/** Field-specific wording for pattern failures: say what is allowed, not the regex. */
function patternMessage(pointer: string, value: unknown): string | undefined {
  const shown = JSON.stringify(value)
  if (pointer === '/name')
    return `name ${shown} must be lowercase letters and digits in words joined by single hyphens, starting with a letter`
  if (pointer === '/version') return `version ${shown} is not semver (x.y.z)`
  if (/^\/tags\/\d+$/.test(pointer))
    return `${displayPath(pointer)} ${shown} must be a lowercase word (letters, digits and single hyphens)`
  if (/^\/parameters\/\d+\/name$/.test(pointer))
    return `${displayPath(pointer)} ${shown} must be lowercase letters, digits and underscores, not starting with a digit`
  return undefined
}

/** Why a key is not allowed on a parameter of a given type. */
function forbiddenKeyMessage(pointer: string, data: unknown): string {
  const segments = pointerSegments(pointer)
  const keyName = segments.at(-1) ?? ''
  const parent = valueAt(data, `/${segments.slice(0, -1).join('/')}`) as {type?: unknown} | undefined
  const type = typeof parent?.type === 'string' ? parent.type : 'this'
  const allowed: Record<string, string> = {
    pattern: 'string',
    choices: 'choice and multichoice',
    min: 'string, integer, number and multichoice',
    max: 'string, integer, number and multichoice',
  }
  const only = allowed[keyName] ? ` (only ${allowed[keyName]} parameters take it)` : ''
  return `${displayPath(pointer)} is not allowed for ${type} parameters${only}`
}

/** Plain-words message for one ajv error over the manifest. */
export function schemaMessage(err: ErrorObject, data: unknown): string {
  const at = displayPath(err.instancePath)
  const value = valueAt(data, err.instancePath)
  const params = err.params as Record<string, unknown>
  switch (err.keyword) {
    case 'required': {
      const missing = String(params.missingProperty)
      if (missing === 'choices') {
        const type = (value as {type?: unknown} | undefined)?.type
        return `${at} has type ${String(type)} and needs a list of choices`
      }
      return err.instancePath === '' ? `"${missing}" is required` : `${at} is missing "${missing}"`
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty)
      const where = err.instancePath === '' ? 'manifest' : at
      return `unknown key "${extra}" in ${where} (keys of your own must start with "x-")`
    }
    case 'false schema':
      return forbiddenKeyMessage(err.instancePath, data)
    case 'type': {
      const expected = String(params.type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ')
      if (/^\/parameters\/\d+\/default$/.test(err.instancePath)) {
        const type = (valueAt(data, err.instancePath.replace(/\/default$/, '')) as {type?: unknown}).type
        return `${at} must be ${expected} because the parameter's type is ${String(type)} (got ${describeValue(value)})`
      }
      if (err.instancePath === '')
        return `manifest must be a mapping of keys to values (got ${describeValue(value)})`
      return `${at} must be ${expected} (got ${describeValue(value)})`
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String).join(', ')
      return `${at} must be one of ${allowed} (got ${describeValue(value)})`
    }
    case 'const':
      return `${at} must be ${JSON.stringify(params.allowedValue)}`
    case 'pattern':
      return (
        patternMessage(err.instancePath, value) ??
        `${at} ${JSON.stringify(value)} does not match ${String(params.pattern)}`
      )
    case 'minLength':
      return params.limit === 1
        ? `${at} must not be empty`
        : `${at} must be at least ${String(params.limit)} characters`
    case 'maxLength':
      return `${at} must be at most ${String(params.limit)} characters`
    case 'minItems':
      return `${at} must have at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`
    case 'maxItems':
      return `${at} must have at most ${String(params.limit)} items`
    case 'uniqueItems': {
      const list = value as unknown[]
      return `${at} lists ${JSON.stringify(list[Number(params.j)])} more than once`
    }
    default:
      return `${at} ${err.message ?? 'is invalid'}`
  }
}

/**
 * YAML reads `version: 1.0` as the number 1. For keys that are version strings by nature
 * the source text is what the author meant, so use it: the schema then reports
 * `version "1.0" is not semver` instead of a puzzling type error.
 */
function preferSourceText(doc: Document, text: string, data: Record<string, unknown>): void {
  const sourceOf = (node: unknown): string | undefined =>
    isScalar(node) && typeof node.value === 'number' && node.range
      ? text.slice(node.range[0], node.range[1])
      : undefined
  const version = sourceOf(doc.get('version', true))
  if (version !== undefined) data.version = version
  const deps = doc.get('dependencies', true)
  if (isMap(deps) && data.dependencies && typeof data.dependencies === 'object') {
    for (const pair of deps.items) {
      const src = sourceOf(pair.value)
      if (src !== undefined && isScalar(pair.key))
        (data.dependencies as Record<string, unknown>)[String(pair.key.value)] = src
    }
  }
}

/** Checks the schema cannot express: uniqueness across items, regex syntax, range syntax. */
export function semanticIssues(m: Record<string, unknown>): {pointer: string; message: string}[] {
  const issues: {pointer: string; message: string}[] = []
  // Runs on manifests that failed the schema too (so every problem is reported at once):
  // look at each value's shape before trusting it.
  const isRecord = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
  const params = Array.isArray(m.parameters) ? (m.parameters as unknown[]) : []
  const seen = new Map<string, number>()
  params.forEach((p, i) => {
    if (!isRecord(p) || typeof p.name !== 'string') return
    const at = `/parameters/${i}`
    const name = String(p.name)
    const first = seen.get(name)
    if (first !== undefined) {
      issues.push({
        pointer: `${at}/name`,
        message: `parameters[${i}].name "${name}" is already used by parameters[${first}]`,
      })
    } else {
      seen.set(name, i)
    }
    if (RESERVED_PARAMETER_NAMES.has(name) || name.startsWith('__')) {
      issues.push({
        pointer: `${at}/name`,
        message: `parameters[${i}].name "${name}" is reserved (templates get maestro.template, maestro.version and maestro.year; names may not start with "__")`,
      })
    }
    let regex: RegExp | undefined
    if (typeof p.pattern === 'string') {
      try {
        // The `u` flag matches how ajv compiles `pattern` when answers are validated.
        regex = new RegExp(p.pattern, 'u')
      } catch (err) {
        issues.push({
          pointer: `${at}/pattern`,
          message: `parameters[${i}].pattern is not a valid regular expression: ${(err as Error).message}`,
        })
      }
    }
    const {min, max} = p
    if (typeof min === 'number' && typeof max === 'number' && min > max)
      issues.push({
        pointer: `${at}/min`,
        message: `parameters[${i}].min (${min}) is greater than max (${max})`,
      })
    if (p.type === 'string' || p.type === 'multichoice') {
      for (const key of ['min', 'max'] as const) {
        const v = p[key]
        if (typeof v === 'number' && (!Number.isInteger(v) || v < 0))
          issues.push({
            pointer: `${at}/${key}`,
            message: `parameters[${i}].${key} must be a whole number ≥ 0 for ${p.type} parameters`,
          })
      }
    }
    const choices = Array.isArray(p.choices) ? (p.choices as unknown[]) : undefined
    if (choices && p.default !== undefined) {
      const defaults = Array.isArray(p.default) ? (p.default as unknown[]) : [p.default]
      for (const d of defaults) {
        if (typeof d === 'string' && !choices.includes(d))
          issues.push({
            pointer: `${at}/default`,
            message: `parameters[${i}].default ${JSON.stringify(d)} is not one of the choices: ${choices.join(', ')}`,
          })
      }
    }
    // A literal string default must satisfy its own constraints; a Liquid default is
    // only known once rendered, so it is checked with the answers.
    if (p.type === 'string' && typeof p.default === 'string' && !/\{\{|\{%/.test(p.default)) {
      if (regex && !regex.test(p.default))
        issues.push({
          pointer: `${at}/default`,
          message: `parameters[${i}].default ${JSON.stringify(p.default)} does not match its own pattern ${p.pattern as string}${typeof p.pattern_hint === 'string' ? ` (${p.pattern_hint})` : ''}`,
        })
    }
  })
  const migrations = Array.isArray(m.migrations) ? (m.migrations as unknown[]) : []
  migrations.forEach((step, i) => {
    if (!isRecord(step)) return
    const at = `/migrations/${i}`
    if (typeof step.version === 'string' && semver.valid(step.version) === null)
      issues.push({
        pointer: `${at}/version`,
        message: `migrations[${i}].version ${JSON.stringify(step.version)} is not semver (x.y.z)`,
      })
    else if (typeof step.version === 'string' && typeof m.version === 'string' && semver.valid(m.version))
      if (semver.gt(step.version, m.version))
        issues.push({
          pointer: `${at}/version`,
          message: `migrations[${i}].version ${step.version} is newer than the template (${m.version}); a migration belongs to the version that made the change`,
        })
    const pair = isRecord(step.rename_parameter)
      ? step.rename_parameter
      : isRecord(step.move)
        ? step.move
        : null
    if (pair && pair.from === pair.to)
      issues.push({pointer: at, message: `migrations[${i}] renames ${JSON.stringify(pair.from)} to itself`})
    for (const path of isRecord(step.move) ? [step.move.from, step.move.to] : [step.delete]) {
      if (typeof path !== 'string' || /\{\{|\{%/.test(path)) continue
      try {
        assertSafeRelativePath(path, 'path')
      } catch (err) {
        if (!(err instanceof UnsafePathError)) throw err
        issues.push({pointer: at, message: `migrations[${i}]: ${String(err.data.reason)}`})
      }
    }
  })
  // Dependency ranges are judged by the quality check (with a recommendation), not refused here.
  if (typeof m.maestro === 'string' && semver.validRange(m.maestro) === null)
    issues.push({pointer: '/maestro', message: `maestro ${JSON.stringify(m.maestro)} is not a semver range`})
  return issues
}

export function normaliseParameter(p: Record<string, unknown>): Parameter {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(p)) if (!k.startsWith('x-')) out[k] = v
  return out as unknown as Parameter
}

function normaliseFileRule(r: unknown): FileRule {
  if (typeof r === 'string') return {path: r}
  const rule = r as FileRule
  const out: FileRule = {path: rule.path}
  if (rule.when !== undefined) out.when = rule.when
  if (rule.raw !== undefined) out.raw = rule.raw
  return out
}

/**
 * One YAML file of a template or workflow read strictly (unique keys, at most 100 aliases),
 * with the line counter its later issues are placed by. A syntax error, or an alias bomb,
 * throws InvalidTemplateError at the file, line and column where it is.
 */
export function parseYamlSource(
  text: string,
  file: string,
): {doc: Document.Parsed; lineCounter: LineCounter; data: unknown} {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true, strict: true})
  const fail = (issues: Issue[]): never => {
    throw new InvalidTemplateError(issues, `${file} is invalid`)
  }
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => ({
        file,
        ...position(lineCounter, e.pos[0]),
        message: `YAML syntax: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    )
  }
  try {
    return {doc, lineCounter, data: doc.toJS({maxAliasCount: 100}) as unknown}
  } catch (err) {
    return fail([{file, line: 1, column: 1, message: `YAML: ${(err as Error).message}`}])
  }
}

/**
 * Parses and validates manifest.yaml text.
 *
 * YAML syntax errors, schema violations and semantic problems (duplicate parameter
 * names, a default outside its choices, a broken regex, an unreadable dependency range)
 * all become one {@link InvalidTemplateError} whose issues carry the file, line and
 * column of the offending node. The result is normalised: absent lists and maps are
 * empty, `files` entries are objects, `quality_score` and `x-` keys are dropped.
 *
 * @example
 * ```ts
 * const manifest = parseManifest(await readFile('manifest.yaml', 'utf8'))
 * manifest.parameters.map((p) => p.name) // ['project_name', 'port']
 * ```
 */
export function parseManifest(text: string, file = 'manifest.yaml'): Manifest {
  const {doc, lineCounter, data} = parseYamlSource(text, file)
  const fail = (issues: Issue[]): never => {
    throw new InvalidTemplateError(issues, `${file} is invalid`)
  }
  if (data === null || data === undefined) fail([{file, line: 1, column: 1, message: 'manifest is empty'}])
  if (isMap(doc.contents)) preferSourceText(doc, text, data as Record<string, unknown>)

  const validate = manifestValidator()
  const issues: Issue[] = []
  if (!validate(data)) {
    const seen = new Set<string>()
    for (const err of validate.errors ?? []) {
      // `if` only says "must match then"; the errors inside `then` say what is wrong.
      if (err.keyword === 'if') continue
      const params = err.params as Record<string, unknown>
      let path = err.instancePath
      let pos
      if (err.keyword === 'required') {
        path = `${err.instancePath}/${String(params.missingProperty)}`
        pos = nodePosition(doc, lineCounter, err.instancePath)
      } else if (err.keyword === 'additionalProperties') {
        path = `${err.instancePath}/${String(params.additionalProperty)}`
        pos = nodePosition(doc, lineCounter, err.instancePath, String(params.additionalProperty))
      } else {
        pos = nodePosition(doc, lineCounter, err.instancePath)
      }
      const message = schemaMessage(err, data)
      if (seen.has(`${path}\0${message}`)) continue
      seen.add(`${path}\0${message}`)
      issues.push({file, ...pos, path, message})
    }
  }
  const m = data as Record<string, unknown>
  if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
    for (const {pointer, message} of semanticIssues(m))
      issues.push({file, ...nodePosition(doc, lineCounter, pointer), path: pointer, message})
  }
  if (issues.length > 0)
    fail(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)))

  const manifest: Manifest = {
    name: m.name as string,
    version: m.version as string,
    description: m.description as string,
    category: m.category as string,
    author: m.author as string,
    tags: (m.tags as string[] | undefined) ?? [],
    dependencies: (m.dependencies as Record<string, string> | undefined) ?? {},
    files: ((m.files as unknown[] | undefined) ?? []).map(normaliseFileRule),
    exclude: (m.exclude as string[] | undefined) ?? [],
    parameters: ((m.parameters as Record<string, unknown>[] | undefined) ?? []).map(normaliseParameter),
  }
  if (m.license !== undefined) manifest.license = m.license as string
  if (m.maestro !== undefined) manifest.maestro = m.maestro as string
  if (Array.isArray(m.migrations) && m.migrations.length > 0)
    manifest.migrations = m.migrations as Migration[]
  return manifest
}
