/**
 * Request validation with ajv, from the component schemas of src/server/schemas.ts.
 *
 * Two validators: bodies are checked as sent (JSON has types), while path and query
 * parameters arrive as strings and are coerced to the schema's types (`limit=5` → 5,
 * `tags=a` → ['a']) with defaults applied.
 */
import {Ajv2020} from 'ajv/dist/2020.js'
import type {ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'

import type {FieldError} from './problem.js'
import {RequestValidationError} from './problem.js'
import {mapRefs} from './schemas.js'
import type {JsonSchema} from './schemas.js'

// ajv-formats is CommonJS: its default export is the plugin, under `default` once more in ESM.
const addFormats = ((addFormatsModule as unknown as {default?: unknown}).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020

const API_ID = 'https://maestro-tpl.dev/api'

export type Part = FieldError['in']

/**
 * Compiles route schemas against one set of components.
 *
 * @example
 * ```ts
 * const validators = new Validators(apiComponents(100))
 * const check = validators.compile('body', {$ref: '#/components/schemas/SearchQuery'})
 * const body = check({limit: 5}) // throws RequestValidationError on a bad body
 * ```
 */
export class Validators {
  readonly #body: Ajv2020
  readonly #params: Ajv2020

  constructor(components: Record<string, JsonSchema>) {
    const make = (coerce: boolean) => {
      const ajv = new Ajv2020({
        allErrors: true,
        strict: true,
        allowUnionTypes: true,
        coerceTypes: coerce ? 'array' : false,
        useDefaults: coerce,
      })
      addFormats(ajv)
      // The components live under `components.schemas`, as in the OpenAPI document.
      ajv.addKeyword({keyword: 'components'})
      ajv.addSchema({$id: API_ID, components: {schemas: components}})
      return ajv
    }
    this.#body = make(false)
    this.#params = make(true)
  }

  /** A checker that returns the (coerced) value or throws RequestValidationError. */
  compile<T = unknown>(part: Part, schema: JsonSchema): (value: unknown) => T {
    const ajv = part === 'body' ? this.#body : this.#params
    const validate: ValidateFunction = ajv.compile(absolute(schema))
    return (value: unknown) => {
      if (validate(value)) return value as T
      throw new RequestValidationError(toFieldErrors(part, validate.errors ?? []))
    }
  }
}

/** Points `#/components/...` references into the API document registered with ajv. */
function absolute(schema: JsonSchema): JsonSchema {
  return mapRefs(schema, (to) => (to.startsWith('#/') ? `${API_ID}${to}` : to))
}

const MAX_REPORTED = 20

function toFieldErrors(part: Part, errors: ErrorObject[]): FieldError[] {
  const out: FieldError[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    // `oneOf`/`if` add a summary error next to the real ones; the real ones say more.
    if (e.keyword === 'if' || (e.keyword === 'oneOf' && errors.length > 1)) continue
    let pointer = e.instancePath
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as {additionalProperty: string}).additionalProperty
      pointer = `${pointer}/${extra}`
      message = 'is not allowed here'
    } else if (e.keyword === 'required') {
      pointer = `${pointer}/${(e.params as {missingProperty: string}).missingProperty}`
      message = 'is required'
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as {allowedValues: unknown[]}).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`
    }
    const key = `${pointer} ${message}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({in: part, pointer, message})
    if (out.length >= MAX_REPORTED) break
  }
  return out.length > 0 ? out : [{in: part, pointer: '', message: 'is invalid'}]
}
