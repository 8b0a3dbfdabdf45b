/**
 * Commit messages of the store: a subject, an optional body, then git trailers
 * (`Maestro-Operation`, `Maestro-Template`, `Maestro-Version`, `Maestro-Path`,
 * `Maestro-Previous-Path`) in the last paragraph, where `git interpret-trailers`
 * looks for them too. They are for people and tools: reindex reads the trees, not them.
 */
import type {CommitTrailers} from './types.js'

const TRAILER_KEYS: Record<string, keyof CommitTrailers> = {
  'maestro-operation': 'operation',
  'maestro-template': 'template',
  'maestro-version': 'version',
  'maestro-path': 'path',
  'maestro-previous-path': 'previousPath',
}

const TRAILER_NAMES: Record<keyof CommitTrailers, string> = {
  operation: 'Maestro-Operation',
  template: 'Maestro-Template',
  version: 'Maestro-Version',
  path: 'Maestro-Path',
  previousPath: 'Maestro-Previous-Path',
}

/**
 * Builds a commit message. Trailers always form the final paragraph, so text in the
 * caller's message cannot pass for trailers.
 *
 * @example
 * ```ts
 * formatMessage('create api@1.0.0', {operation: 'create', template: 'api', version: '1.0.0', path: 'backend/api'})
 * // 'create api@1.0.0\n\nMaestro-Operation: create\nMaestro-Template: api\n...'
 * ```
 */
export function formatMessage(message: string, trailers: CommitTrailers): string {
  const text = message
    .replace(/\r\n?/g, '\n')
    .replace(/^\s*\n/, '')
    .trimEnd()
  const lines: string[] = []
  for (const key of Object.keys(TRAILER_NAMES) as (keyof CommitTrailers)[]) {
    const value = trailers[key]
    if (value !== undefined) lines.push(`${TRAILER_NAMES[key]}: ${value}`)
  }
  return `${text}\n\n${lines.join('\n')}\n`
}

/**
 * Reads the Maestro trailers from the last paragraph of a commit message.
 *
 * @example
 * ```ts
 * parseTrailers('delete api\n\nMaestro-Operation: delete\nMaestro-Template: api\n')
 * // {operation: 'delete', template: 'api'}
 * ```
 */
export function parseTrailers(message: string): CommitTrailers {
  const paragraphs = message
    .replace(/\r/g, '')
    .trimEnd()
    .split(/\n\s*\n/)
  const trailers: CommitTrailers = {}
  // A one-paragraph message is a subject only: it has no trailers.
  if (paragraphs.length < 2) return trailers
  for (const line of (paragraphs[paragraphs.length - 1] ?? '').split('\n')) {
    const match = /^([A-Za-z0-9-]+):\s*(.*?)\s*$/.exec(line)
    const key = match ? TRAILER_KEYS[(match[1] as string).toLowerCase()] : undefined
    if (key && match) trailers[key] = match[2] as string
  }
  return trailers
}

/** First line of a commit message. */
export function subjectOf(message: string): string {
  return (message.replace(/^\s+/, '').split('\n')[0] ?? '').trimEnd()
}
