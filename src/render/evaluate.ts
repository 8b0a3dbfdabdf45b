/**
 * Liquid over a tree of values: how workflow steps get their inputs. A string that is a
 * single `{{ expression }}` keeps the type of its value (a number stays a number, a list
 * a list); any other string with Liquid markup renders to text; everything else is kept
 * as it is. The engine is the templates' own (createLiquid: strict variables, own
 * properties only, parse, time and memory limits); this runs as the `evaluate` job of a
 * render host, so in the daemon it runs in a worker with a hard time and heap limit.
 */
import {RenderLimitError} from '../domain/errors.js'
import {createLiquid, isLiquidTruthy, liquidErrorToRenderError} from './liquid.js'

/** The most text one evaluation may produce: values past it are a blow-up, not a workflow input. */
export const MAX_EVALUATED_CHARS = 4 * 1024 * 1024

export interface EvaluateEntry {
  /** Where the value comes from, for errors (`workflow.yaml steps[2].with.path`). */
  label: string
  value: unknown
  /** Evaluate as a condition: a bare expression (`parameters.ci`) or Liquid text; answers a boolean. */
  condition?: boolean
}

export interface EvaluateJob {
  entries: EvaluateEntry[]
  scope: Record<string, unknown>
  /** Who asked (a tenant): the daemon's pool shares its workers fairly between tenants. */
  tenant?: string
  /** Stops the job (see InstantiateJob.signal); in this thread it is checked between entries. */
  signal?: AbortSignal | undefined
}

const SINGLE = /^\s*\{\{-?([\s\S]*?)-?\}\}\s*$/

/** A plain copy of what Liquid answered: numbers, strings, booleans, lists, maps and null only. */
function plain(value: unknown, depth = 0): unknown {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
  if (depth > 32) return null
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1))
  if (typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value)
    // Liquid drops, ranges and the like: their text, never their members.
    if (proto !== Object.prototype && proto !== null) return Object.prototype.toString.call(value)
    const out = Object.create(null) as Record<string, unknown>
    for (const [k, v] of Object.entries(value)) out[k] = plain(v, depth + 1)
    return out
  }
  return typeof value === 'bigint' || typeof value === 'symbol' ? value.toString() : null
}

/**
 * Evaluates each entry's value against `scope`.
 *
 * @example
 * ```ts
 * await runEvaluate({entries: [{label: 'port', value: '{{ parameters.port }}'}], scope: {parameters: {port: 8000}}})
 * // [8000]
 * ```
 */
export async function runEvaluate(job: EvaluateJob): Promise<unknown[]> {
  const liquid = createLiquid()
  let produced = 0
  const count = (text: string, label: string) => {
    produced += text.length
    if (produced > MAX_EVALUATED_CHARS)
      throw new RenderLimitError(
        `${label}: expressions produced more than ${MAX_EVALUATED_CHARS} characters; a step's inputs are not meant to be that large`,
        {limit: 'memory', file: label},
      )
  }
  const evaluate = async (value: unknown, label: string, condition: boolean): Promise<unknown> => {
    job.signal?.throwIfAborted()
    if (typeof value === 'string') {
      try {
        const single = SINGLE.exec(value)
        if (single && !single[1]!.includes('{{') && !single[1]!.includes('}}')) {
          const result = plain((await liquid.evalValue(single[1]!, job.scope)) as unknown)
          count(JSON.stringify(result) ?? '', label)
          return condition ? isLiquidTruthy(result) : result
        }
        if (condition && !/\{\{|\{%/.test(value))
          return isLiquidTruthy((await liquid.evalValue(value, job.scope)) as unknown)
        const text: string = String((await liquid.parseAndRender(value, job.scope)) as unknown)
        count(text, label)
        if (!condition) return text
        const trimmed = text.trim()
        return trimmed !== '' && trimmed !== 'false' && trimmed !== 'nil' && trimmed !== 'null'
      } catch (err) {
        throw liquidErrorToRenderError(err, label, {text: value})
      }
    }
    if (condition) return isLiquidTruthy(value)
    if (Array.isArray(value)) {
      const out: unknown[] = []
      for (const [i, v] of value.entries()) out.push(await evaluate(v, `${label}[${i}]`, false))
      return out
    }
    if (value !== null && typeof value === 'object') {
      const out = Object.create(null) as Record<string, unknown>
      for (const [k, v] of Object.entries(value)) out[k] = await evaluate(v, `${label}.${k}`, false)
      return out
    }
    return value
  }
  const results: unknown[] = []
  for (const entry of job.entries)
    results.push(await evaluate(entry.value, entry.label, entry.condition === true))
  return results
}
