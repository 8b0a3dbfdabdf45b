import {createRequire} from 'node:module'

import type {Ajv2020, ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'

import {InvalidAnswersError, UsageError} from './errors.js'
import {ownRecord, ownValue} from './records.js'
import type {Issue} from './errors.js'
import type {AnswerValue, Answers, Parameter} from './types.js'

/**
 * Whether a parameter must end up with a value: explicitly `required`, or else when it
 * has no default (docs/template-format.md).
 *
 * @example
 * ```ts
 * isRequired({name: 'port', type: 'integer', default: 8000}) // false
 * ```
 */
export function isRequired(param: Parameter): boolean {
  return param.required ?? param.default === undefined
}

/** A string default with Liquid markup is rendered over earlier answers. */
export function isLiquidText(value: unknown): value is string {
  return typeof value === 'string' && /\{\{|\{%/.test(value)
}

function parameterSchema(p: Parameter): Record<string, unknown> {
  const s: Record<string, unknown> = {}
  switch (p.type) {
    case 'string':
      s.type = 'string'
      if (p.pattern !== undefined) s.pattern = p.pattern
      if (p.min !== undefined) s.minLength = p.min
      if (p.max !== undefined) s.maxLength = p.max
      break
    case 'integer':
    case 'number':
      s.type = p.type
      if (p.min !== undefined) s.minimum = p.min
      if (p.max !== undefined) s.maximum = p.max
      break
    case 'boolean':
      s.type = 'boolean'
      break
    case 'choice':
      s.type = 'string'
      s.enum = [...(p.choices ?? [])]
      break
    case 'multichoice':
      s.type = 'array'
      s.items = {type: 'string', enum: [...(p.choices ?? [])]}
      s.uniqueItems = true
      if (p.min !== undefined) s.minItems = p.min
      if (p.max !== undefined) s.maxItems = p.max
      break
  }
  if (p.description !== undefined) s.description = p.description
  if (p.default !== undefined && !isLiquidText(p.default)) s.default = p.default
  return s
}

/**
 * The JSON Schema of an answers object for these parameters: each answer's type, choices,
 * pattern and bounds; unknown names are refused (`additionalProperties: false`).
 * Nothing is `required` here: whether a parameter needs a value depends on its `when`
 * condition, which {@link resolveAnswers} evaluates.
 *
 * @example
 * ```ts
 * parametersJsonSchema([{name: 'port', type: 'integer', min: 1, max: 65535}])
 * // {type: 'object', additionalProperties: false,
 * //  properties: {port: {type: 'integer', minimum: 1, maximum: 65535}}}
 * ```
 */
export function parametersJsonSchema(params: Parameter[]): object {
  const properties: Record<string, unknown> = {}
  for (const p of params) properties[p.name] = parameterSchema(p)
  return {type: 'object', properties, additionalProperties: false}
}

let ajv: Ajv2020 | undefined
/** Compiled validators by schema text; templates repeat, so a small cache saves compiles. */
const compiled = new Map<string, {schema: object; validate: ValidateFunction}>()
const MAX_COMPILED = 200

/**
 * ajv, loaded when an answer is not plainly valid (plainlyValid): answers that fit their
 * parameters, what `instantiate --defaults` gives, never need it, and loading it is ~300 KiB
 * of code to compile on every CLI start. A require() through createRequire, so it stays
 * synchronous and out of the CLI bundle's start-up graph (in the bundle it is loaded from
 * node_modules, where the package's dependencies are).
 */
function loadAjv(): typeof Ajv2020 {
  const require = createRequire(import.meta.url)
  return (require('ajv/dist/2020.js') as {Ajv2020: typeof Ajv2020}).Ajv2020
}

function answersValidator(params: Parameter[]): ValidateFunction {
  const schema = parametersJsonSchema(params)
  const key = JSON.stringify(schema)
  const hit = compiled.get(key)
  if (hit) {
    // Refresh its place so the map's insertion order is least-recently-used first.
    compiled.delete(key)
    compiled.set(key, hit)
    return hit.validate
  }
  // Schemas built by parametersJsonSchema are well-formed by construction: skip the meta-schema check.
  ajv ??= new (loadAjv())({allErrors: true, strict: true, addUsedSchema: false, validateSchema: false})
  const validate = ajv.compile(schema)
  compiled.set(key, {schema, validate})
  if (compiled.size > MAX_COMPILED) {
    const [oldestKey, oldest] = compiled.entries().next().value!
    compiled.delete(oldestKey)
    // ajv keeps every compiled schema too; a long-running daemon must let them go.
    ajv.removeSchema(oldest.schema)
  }
  return validate
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`
  return JSON.stringify(value) ?? String(value)
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
}

/** Each parameter's `pattern_hint`, by name: errors say it instead of the regular expression. */
function patternHints(params: Parameter[]): Map<string, string> {
  return new Map(params.flatMap((p) => (p.pattern_hint ? [[p.name, p.pattern_hint] as const] : [])))
}

function answerIssue(
  err: ErrorObject,
  answers: Record<string, unknown>,
  names: string[],
  hints: ReadonlyMap<string, string>,
): Issue {
  const params = err.params as Record<string, unknown>
  const [, name = '', index] = err.instancePath.split('/')
  const value = ownValue(answers, name)
  const shown = index === undefined ? describe(value) : describe((value as unknown[])[Number(index)])
  const path = err.instancePath
  switch (err.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty)
      return {path: `/${extra}`, message: unknownAnswerMessage(extra, names)}
    }
    case 'type':
      return {
        path,
        message: `${name} must be ${TYPE_WORDS[String(params.type)] ?? String(params.type)} (got ${shown})`,
      }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).join(', ')
      return index === undefined
        ? {path, message: `${name} must be one of ${allowed} (got ${shown})`}
        : {path, message: `${name}: ${shown} is not one of ${allowed}`}
    }
    case 'pattern': {
      const hint = hints.get(name)
      return hint
        ? {path, message: `${name} ${shown} is not valid: ${hint}`}
        : {path, message: `${name} ${shown} does not match the pattern ${String(params.pattern)}`}
    }
    case 'minimum':
      return {path, message: `${name} must be at least ${String(params.limit)} (got ${shown})`}
    case 'maximum':
      return {path, message: `${name} must be at most ${String(params.limit)} (got ${shown})`}
    case 'minLength':
      return {
        path,
        message: `${name} must be at least ${String(params.limit)} characters long (got ${shown})`,
      }
    case 'maxLength':
      return {path, message: `${name} must be at most ${String(params.limit)} characters long`}
    case 'minItems':
      return {path, message: `${name} needs at least ${String(params.limit)} choices (got ${shown})`}
    case 'maxItems':
      return {path, message: `${name} allows at most ${String(params.limit)} choices (got ${shown})`}
    case 'uniqueItems':
      return {
        path,
        message: `${name} lists ${describe((value as unknown[])[Number(params.j)])} more than once`,
      }
    default:
      return {path, message: `${name} ${err.message ?? 'is invalid'}`}
  }
}

function unknownAnswerMessage(name: string, known: string[]): string {
  const list = known.length > 0 ? `its parameters are ${known.join(', ')}` : 'it has no parameters'
  return `unknown answer ${JSON.stringify(name)}: the template has no parameter of that name (${list})`
}

/** Answers are user data keyed by user-chosen names: never let `__proto__` reach a setter. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {value, enumerable: true, writable: true, configurable: true})
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'no', 'n', 'off', '0'])
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Converts one raw value (text from `--set` or a prompt, a YAML scalar from an answers
 * file) to the parameter's type. Values that do not convert are returned unchanged so
 * that validation reports them with the parameter's name.
 */
export function coerceValue(param: Parameter, value: unknown): unknown {
  switch (param.type) {
    case 'string':
    case 'choice':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
    case 'integer': {
      if (typeof value !== 'string' || !/^\s*[+-]?\d+\s*$/.test(value)) return value
      const n = Number(value)
      return Number.isSafeInteger(n) ? n : value
    }
    case 'number':
      return typeof value === 'string' && NUMBER_TEXT.test(value.trim()) ? Number(value) : value
    case 'boolean': {
      if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1
      if (typeof value !== 'string') return value
      const word = value.trim().toLowerCase()
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value
    }
    case 'multichoice':
      if (typeof value === 'string')
        return value
          .split(',')
          .map((v) => v.trim())
          .filter((v) => v !== '')
      if (Array.isArray(value))
        return (value as unknown[]).map((v) =>
          typeof v === 'number' || typeof v === 'boolean' ? String(v) : v,
        )
      return value
  }
}

/**
 * Converts raw answers to the types of their parameters: integers and numbers parse
 * strictly (`8000`, not `8000abc`), booleans accept true/false/yes/no/1/0, multichoice
 * accepts comma-separated text. `null` values count as not given. Unknown names are kept
 * so validation can name them.
 *
 * @example
 * ```ts
 * coerceAnswers(params, {port: '8000', use_docker: 'yes', features: 'auth, metrics'})
 * // {port: 8000, use_docker: true, features: ['auth', 'metrics']}
 * ```
 */
export function coerceAnswers(params: Parameter[], raw: Record<string, unknown>): Answers {
  const byName = new Map(params.map((p) => [p.name, p]))
  const out = ownRecord()
  for (const [name, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue
    const param = byName.get(name)
    setOwn(out, name, param ? coerceValue(param, value) : value)
  }
  return out as Answers
}

/**
 * Parses `--set` assignments: `name=value` (the value stays text; coercion happens
 * against the parameters), `name=` is the empty string, a later assignment of the same
 * name wins.
 *
 * @example
 * ```ts
 * parseAssignments(['project_name=billing', 'port=9000', 'prefix='])
 * // {project_name: 'billing', port: '9000', prefix: ''}
 * ```
 */
export function parseAssignments(sets: string[]): Answers {
  const out = ownRecord()
  for (const set of sets) {
    const eq = set.indexOf('=')
    if (eq < 0) throw new UsageError(`--set ${JSON.stringify(set)} must look like NAME=VALUE`, {set})
    const name = set.slice(0, eq).trim()
    if (name === '') throw new UsageError(`--set ${JSON.stringify(set)} has no name before "="`, {set})
    setOwn(out, name, set.slice(eq + 1))
  }
  return out as Answers
}

/**
 * Checks one value against its parameter and says what is wrong, or `undefined` when it
 * is fine. For prompts, which validate each answer as it is typed.
 *
 * @example
 * ```ts
 * validateAnswer({name: 'port', type: 'integer', max: 65535}, 70000) // 'port must be at most 65535 (got 70000)'
 * ```
 */
export function validateAnswer(param: Parameter, value: AnswerValue): string | undefined {
  if (plainlyValid(param, value)) return undefined
  const answers = ownRecord()
  answers[param.name] = value
  const validate = answersValidator([param])
  if (validate(answers)) return undefined
  return validate
    .errors!.map((e) => answerIssue(e, answers, [param.name], patternHints([param])))
    .map((i) => i.message)
    .join('; ')
}

/**
 * Refuses answers for parameters the template does not have, naming its parameters: a
 * typo is caught before anything is asked or rendered.
 */
export function refuseUnknownAnswers(params: Parameter[], provided: Answers): void {
  const names = params.map((p) => p.name)
  const known = new Set(names)
  const unknown = Object.keys(provided).filter((name) => !known.has(name))
  if (unknown.length > 0)
    throw new InvalidAnswersError(
      unknown.map((name) => ({path: `/${name}`, message: unknownAnswerMessage(name, names)})),
    )
}

/** Unicode-aware, like JSON Schema's (and ajv's) `pattern`; undefined when it does not compile. */
function patternRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u')
  } catch {
    return undefined
  }
}

/** JSON Schema's `minLength`/`maxLength` count code points, not UTF-16 units. */
const codePoints = (text: string) => [...text].length

const within = (n: number, p: Parameter) =>
  (p.min === undefined || n >= p.min) && (p.max === undefined || n <= p.max)

function plainlyValid(p: Parameter, value: unknown): boolean {
  switch (p.type) {
    case 'string': {
      if (typeof value !== 'string' || !within(codePoints(value), p)) return false
      if (p.pattern === undefined) return true
      return patternRegExp(p.pattern)?.test(value) ?? false
    }
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && within(value, p)
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && within(value, p)
    case 'boolean':
      return typeof value === 'boolean'
    case 'choice':
      return typeof value === 'string' && (p.choices ?? []).includes(value)
    case 'multichoice':
      return (
        Array.isArray(value) &&
        within(value.length, p) &&
        new Set(value).size === value.length &&
        value.every((v) => typeof v === 'string' && (p.choices ?? []).includes(v))
      )
    default:
      return false
  }
}

/**
 * Whether every answer plainly satisfies its parameter, checked by hand. Only a "yes" is
 * trusted: then the answers' JSON Schema would accept them too, and compiling it with ajv
 * (tens of milliseconds, most of a one-shot CLI render's validation) is skipped. A "no"
 * goes to ajv, whose errors name what is wrong.
 */
export function plainlyValidAnswers(params: Parameter[], answers: Record<string, unknown>): boolean {
  const byName = new Map(params.map((p) => [p.name, p]))
  // `for in`, as ajv's additionalProperties walks the object.
  for (const name in answers) {
    const param = byName.get(name)
    if (!param || !plainlyValid(param, answers[name])) return false
  }
  return true
}

/** Checks a complete set of answers against the parameters' schema; InvalidAnswersError names each wrong answer. */
export function assertValidAnswers(params: Parameter[], answers: Record<string, unknown>): void {
  if (plainlyValidAnswers(params, answers)) return
  const validate = answersValidator(params)
  if (!validate(answers))
    throw new InvalidAnswersError(
      validate.errors!.map((e) =>
        answerIssue(
          e,
          answers,
          params.map((p) => p.name),
          patternHints(params),
        ),
      ),
    )
}
