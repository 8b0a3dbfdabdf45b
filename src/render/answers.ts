/**
 * Working out a template's answers: conditions and Liquid defaults are evaluated with the
 * render engine, the schema checks are the domain's (src/domain/parameters.ts).
 */
import {MissingAnswersError, RenderError} from '../domain/errors.js'
import {
  assertValidAnswers,
  coerceAnswers,
  coerceValue,
  isLiquidText,
  isRequired,
  refuseUnknownAnswers,
  setOwn,
  validateAnswer,
} from '../domain/parameters.js'
import {ownRecord, ownValue} from '../domain/records.js'
import type {AnswerValue, Answers, Parameter} from '../domain/types.js'
import {createLiquid, evalCondition, liquidErrorMessage} from './liquid.js'

function manifestExpressionError(err: unknown, param: Parameter, key: 'when' | 'default'): RenderError {
  return new RenderError(
    `parameter ${param.name}: ${key} ${JSON.stringify(param[key])} failed: ${liquidErrorMessage(err)}`,
    {file: 'manifest.yaml'},
    err,
  )
}

export interface ResolveOptions {
  /** Use defaults without asking; with `ask`, only parameters without a default are asked. */
  useDefaults?: boolean
  /** Set to false to never call `ask` (e.g. `--no-interactive`); default: ask when `ask` is given. */
  interactive?: boolean
  /** Asks the user for one value; `suggested` is the rendered default. Only given on a terminal. */
  ask?: (param: Parameter, suggested: AnswerValue | undefined) => Promise<AnswerValue>
}

/**
 * Works out the answers for a template's parameters, in order, before anything is rendered.
 *
 * For each parameter: when its `when` condition is false it is skipped (and a provided
 * answer for it dropped); a provided answer wins; otherwise the user is asked (only with
 * `ask`; with `useDefaults`, only when there is no default); otherwise the default is used.
 * A string default may be Liquid over earlier answers (`{{ project_name | snake_case }}`).
 * Every required parameter left without a value is listed in one MissingAnswersError, and
 * the result is validated as a whole (InvalidAnswersError names each wrong answer).
 *
 * @example
 * ```ts
 * const answers = await resolveAnswers(manifest.parameters, parseAssignments(['project_name=billing']))
 * // {project_name: 'billing', package_name: 'billing', port: 8000, ...}
 * ```
 */
export async function resolveAnswers(
  params: Parameter[],
  provided: Answers,
  opts: ResolveOptions = {},
): Promise<Answers> {
  // Refuse typos before asking anything: a user should not answer five prompts to learn that.
  refuseUnknownAnswers(params, provided)

  const input = coerceAnswers(params, provided)
  const ask = opts.interactive === false ? undefined : opts.ask
  const liquid = createLiquid()
  // Without a prototype: ajv's checks read `answers.constructor` too, and must find nothing there.
  const result = ownRecord()
  // What conditions and defaults see: earlier answers, and nil for parameters skipped or
  // left empty, so `{% if pool_size %}` works but a misspelt name is still an error.
  const scope = ownRecord()
  const missing: string[] = []

  for (const param of params) {
    if (param.when !== undefined) {
      let on: boolean
      try {
        on = await evalCondition(liquid, param.when, scope)
      } catch (err) {
        throw manifestExpressionError(err, param, 'when')
      }
      if (!on) {
        setOwn(scope, param.name, null)
        continue
      }
    }
    let value: unknown = ownValue(input, param.name)
    if (value === undefined) {
      let suggested: unknown = param.default
      if (isLiquidText(suggested) && param.type === 'string') {
        try {
          suggested = await liquid.parseAndRender(suggested, scope)
        } catch (err) {
          throw manifestExpressionError(err, param, 'default')
        }
      } else if (Array.isArray(suggested)) {
        suggested = [...(suggested as unknown[])]
      }
      const shouldAsk = ask !== undefined && !(opts.useDefaults === true && suggested !== undefined)
      value = shouldAsk
        ? coerceValue(param, await ask(param, suggested as AnswerValue | undefined))
        : suggested
    }
    if (value === undefined) {
      if (isRequired(param)) missing.push(param.name)
      setOwn(scope, param.name, null)
      continue
    }
    setOwn(result, param.name, value)
    setOwn(scope, param.name, value)
  }
  if (missing.length > 0) throw new MissingAnswersError(missing)

  assertValidAnswers(params, result)
  return result as Answers
}

/** Where a form stands: what {@link inspectAnswers} reports. */
export interface AnswersState {
  /** Parameters whose `when` holds (or that have none), in order. */
  active: string[]
  /** The default each active parameter would take, rendered over the answers before it. */
  suggested: Record<string, AnswerValue>
  /** What is wrong with each answer given, by parameter name. */
  issues: Record<string, string>
  /** Active required parameters left without an answer or a default. */
  missing: string[]
}

/**
 * The same walk as {@link resolveAnswers}, for a form being filled in: which parameters
 * are shown (their `when` conditions over the answers so far), the default each would
 * take, and what is wrong with each answer, all at once instead of stopping at the first
 * problem. The web catalog asks it as the user types.
 *
 * @example
 * ```ts
 * await inspectAnswers(params, {database: 'none', port: '99999'})
 * // {active: ['project_name', 'database', 'port'], issues: {port: 'port must be at most 65535 (got 99999)'}, ...}
 * ```
 */
export async function inspectAnswers(params: Parameter[], provided: Answers): Promise<AnswersState> {
  const input = coerceAnswers(params, provided)
  const liquid = createLiquid()
  const scope = ownRecord()
  const state: AnswersState = {active: [], suggested: ownRecord(), issues: ownRecord(), missing: []}
  for (const param of params) {
    if (param.when !== undefined) {
      let on = false
      try {
        on = await evalCondition(liquid, param.when, scope)
      } catch (err) {
        state.issues[param.name] = manifestExpressionError(err, param, 'when').message
      }
      if (!on) {
        setOwn(scope, param.name, null)
        continue
      }
    }
    state.active.push(param.name)
    let suggested: unknown = param.default
    if (isLiquidText(suggested) && param.type === 'string') {
      try {
        suggested = await liquid.parseAndRender(suggested, scope)
      } catch {
        suggested = undefined
      }
    }
    if (suggested !== undefined) state.suggested[param.name] = suggested as AnswerValue
    const value = ownValue(input, param.name) ?? suggested
    if (value === undefined) {
      if (isRequired(param)) state.missing.push(param.name)
      setOwn(scope, param.name, null)
      continue
    }
    const issue = validateAnswer(param, value as AnswerValue)
    if (issue !== undefined) state.issues[param.name] = issue
    setOwn(scope, param.name, value)
  }
  return state
}
