import {readFile} from 'node:fs/promises'

import {InvalidAnswersError, UsageError} from '../domain/errors.js'
import {coerceAnswers, parseAssignments} from '../domain/parameters.js'
import type {Answers, Parameter} from '../domain/types.js'

// yaml (an answers file) and the answer resolution with its Liquid (a terminal to ask on)
// are loaded only when needed: `instantiate --defaults` in a script uses neither.

/**
 * Answers for an instantiation, from (in increasing precedence) an answers file and
 * `--set` flags; on a terminal the remaining parameters are asked for (ink, loaded
 * only then). Without a terminal, missing answers are left for the registry, which
 * applies defaults and lists every required answer still missing.
 */
export async function collectAnswers(
  params: Parameter[],
  opts: {sets: string[]; answersFile?: string | undefined; useDefaults: boolean; interactive: boolean},
): Promise<Answers> {
  const provided: Record<string, unknown> = {}
  if (opts.answersFile) Object.assign(provided, await readAnswersFile(opts.answersFile))
  Object.assign(provided, parseAssignments(opts.sets))
  const coerced = coerceAnswers(params, provided)
  if (!opts.interactive) return coerced
  const [{askParameter}, {resolveAnswers}] = await Promise.all([
    import('../ui/prompt.js'),
    import('../render/answers.js'),
  ])
  return resolveAnswers(params, coerced, {
    useDefaults: opts.useDefaults,
    interactive: true,
    ask: askParameter,
  })
}

/**
 * Answers as given, before any template is known (`update` spreads them over several
 * templates): the answers file, then `--set` on top, values still as written.
 */
export async function givenAnswers(sets: string[], answersFile?: string): Promise<Record<string, unknown>> {
  const provided: Record<string, unknown> = {}
  if (answersFile) Object.assign(provided, await readAnswersFile(answersFile))
  Object.assign(provided, parseAssignments(sets))
  return provided
}

/** Asks on the terminal for what `given` leaves unanswered (ink, loaded only then). */
export async function askMissing(params: Parameter[], given: Answers): Promise<Answers> {
  const [{askParameter}, {resolveAnswers}] = await Promise.all([
    import('../ui/prompt.js'),
    import('../render/answers.js'),
  ])
  return resolveAnswers(params, given, {useDefaults: false, interactive: true, ask: askParameter})
}

async function readAnswersFile(file: string): Promise<Record<string, unknown>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message
    throw new UsageError(`cannot read the answers file ${file}: ${reason}`, {file})
  }
  // In the bundle a dynamic import() of yaml (CommonJS) has only its `default` export.
  const {default: YAML} = await import('yaml')
  let data: unknown
  try {
    data = YAML.parse(text)
  } catch (err) {
    throw new InvalidAnswersError([{file, message: `not valid YAML or JSON: ${(err as Error).message}`}])
  }
  if (data === null || data === undefined) return {}
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${file} must hold a map of parameter names to values`)
  }
  // A .maestro-answers.yaml from an earlier instantiation works too.
  const record = data as Record<string, unknown>
  if (typeof record.template === 'string' && record.answers && typeof record.answers === 'object') {
    return record.answers as Record<string, unknown>
  }
  return record
}
