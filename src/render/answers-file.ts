/**
 * Apart from render.ts on purpose: the answers file is written in the calling thread
 * (the CLI's, for `instantiate`), the files may be rendered in the render worker, so that
 * thread does not load LiquidJS and picomatch just to write YAML. Nor, usually, the
 * `yaml` library (270 KiB to compile on every `instantiate`): a file whose keys and values
 * are all plain scalars is written by {@link plainYaml}, byte for byte what `yaml` writes.
 */
import {ownRecord} from '../domain/records.js'
import type {Answers, Parameter} from '../domain/types.js'
import type {RenderMeta} from './render.js'

const utf8Encoder = new TextEncoder()

/**
 * The `.maestro-answers.yaml` written into an instantiated project: which template (and
 * the namespace it was read from), version and commit it came from, and the answers (secret parameters left out), so the
 * project can be updated later.
 *
 * @example
 * ```ts
 * files.set('.maestro-answers.yaml', answersFile(meta, answers, manifest.parameters))
 * ```
 */
export async function answersFile(
  meta: RenderMeta & {project?: string; namespace?: string},
  answers: Answers,
  params: Parameter[],
): Promise<Uint8Array> {
  const kept = ownRecord()
  for (const p of params) {
    if (p.secret === true || !Object.hasOwn(answers, p.name)) continue
    kept[p.name] = answers[p.name]
  }
  const doc = {
    template: meta.template,
    // The namespace too: a template of the same name in another (a local copy of a bundled one) is another template.
    ...(meta.namespace === undefined ? {} : {namespace: meta.namespace}),
    version: meta.version,
    commit: meta.commit,
    ...(meta.project === undefined ? {} : {project: meta.project}),
    answers: kept,
  }
  const body = plainYaml(doc) ?? (await import('yaml')).default.stringify(doc, {lineWidth: 0})
  return utf8Encoder.encode(
    `# Written by maestro-tpl when this project was created. Keep it to update the project later.\n${body}`,
  )
}

/** Scalars YAML 1.2 (the core schema) reads as something other than a string: these `yaml` quotes. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+)$/
/** Words and numbers, single spaces and `_ . / -` between them: nothing YAML gives a meaning to. */
const PLAIN = /^[A-Za-z0-9](?:[A-Za-z0-9_./-]| (?! |$))*$/

/** A string `yaml` writes as it is, unquoted. */
const plainString = (s: string): boolean => PLAIN.test(s) && !NOT_A_STRING.test(s)

function plainScalar(value: unknown): string | undefined {
  if (typeof value === 'string') return plainString(value) ? value : undefined
  if (typeof value === 'boolean') return String(value)
  // -0 too would print as 0, which yaml writes as -0.
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value)
  return undefined
}

/**
 * `doc` as `yaml`'s `stringify(doc, {lineWidth: 0})` writes it, when it is a mapping of
 * plain scalars and mappings of plain scalars (strings of words, safe integers,
 * booleans); undefined for anything else (lists, quoting, other numbers), which the
 * caller hands to `yaml`. A unit test holds the two to the same bytes.
 *
 * @example
 * ```ts
 * plainYaml({template: 'api', answers: {port: 8080}}) // 'template: api\nanswers:\n  port: 8080\n'
 * plainYaml({answers: {name: 'a: b'}}) // undefined
 * ```
 */
export function plainYaml(doc: Record<string, unknown>): string | undefined {
  let out = ''
  for (const [key, value] of Object.entries(doc)) {
    if (!plainString(key)) return undefined
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value)
      if (entries.length === 0) {
        out += `${key}: {}\n`
        continue
      }
      out += `${key}:\n`
      for (const [k, v] of entries) {
        const scalar = plainScalar(v)
        if (!plainString(k) || scalar === undefined) return undefined
        out += `  ${k}: ${scalar}\n`
      }
      continue
    }
    const scalar = plainScalar(value)
    if (scalar === undefined) return undefined
    out += `${key}: ${scalar}\n`
  }
  return out
}
