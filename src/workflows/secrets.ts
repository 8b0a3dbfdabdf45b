/**
 * Secret parameters: their values are used by the steps and never leave the process in
 * the clear. Everything an execution records (answers, outputs, log lines, errors, step
 * changes, the stored result) goes through a {@link Redactor}; the values themselves
 * travel to whichever daemon runs the execution sealed with AES-256-GCM under a key
 * derived from SECRET_KEY (or a key of this process when there is none, which only this
 * process can then open).
 */
import {createCipheriv, createDecipheriv, createHash, randomBytes} from 'node:crypto'

import type {Parameter} from '../domain/types.js'
import type {WorkflowAnswers} from './types.js'

export const SECRET_MARK = '[secret]'

/** Replaces every secret value in text and value trees. */
export class Redactor {
  readonly #values: string[]
  constructor(values: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.#values = [...new Set([...values].filter((v) => v.length > 0))].sort((a, b) => b.length - a.length)
  }

  get empty(): boolean {
    return this.#values.length === 0
  }

  text(value: string): string {
    let out = value
    for (const secret of this.#values) if (out.includes(secret)) out = out.split(secret).join(SECRET_MARK)
    return out
  }

  /** A deep copy with every string redacted. */
  value<T>(value: T): T {
    if (this.empty) return value
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v)
      if (Array.isArray(v)) return v.map(walk)
      if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
        const out = Object.create(null) as Record<string, unknown>
        for (const [k, x] of Object.entries(v)) out[this.text(k)] = walk(x)
        return out
      }
      return v
    }
    return walk(value) as T
  }

  /** File contents: text files are redacted; binary files are kept unless they hold a secret's bytes, then dropped. */
  bytes(content: Uint8Array): Uint8Array {
    if (this.empty) return content
    const text = Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('latin1')
    if (!this.#values.some((s) => text.includes(Buffer.from(s, 'utf8').toString('latin1')))) return content
    return new TextEncoder().encode(this.text(new TextDecoder().decode(content)))
  }
}

/** The secret values among answers. */
export function secretValues(params: readonly Parameter[], answers: WorkflowAnswers): string[] {
  const out: string[] = []
  for (const p of params) {
    if (p.secret !== true || !Object.hasOwn(answers, p.name)) continue
    const v = answers[p.name]
    if (Array.isArray(v)) out.push(...v.map(String))
    else if (v !== undefined) out.push(String(v))
  }
  return out
}

/** Answers as recorded: secret parameters replaced by the mark. */
export function recordedAnswers(params: readonly Parameter[], answers: WorkflowAnswers): WorkflowAnswers {
  const out = Object.create(null) as WorkflowAnswers
  const secret = new Set(params.filter((p) => p.secret === true).map((p) => p.name))
  for (const [k, v] of Object.entries(answers)) out[k] = secret.has(k) ? SECRET_MARK : v
  return out
}

const processKey = randomBytes(32)

function keyFrom(secretKey: string | undefined): Buffer {
  return secretKey
    ? createHash('sha256').update(`maestro-tpl workflow secrets\0${secretKey}`).digest()
    : processKey
}

/**
 * Seals the secret answers for the executing daemon; null when there are none.
 *
 * @example
 * ```ts
 * const sealed = sealSecrets({db_password: 's3cret'}, config.secretKey)
 * openSecrets(sealed!, config.secretKey) // {db_password: 's3cret'}
 * ```
 */
export function sealSecrets(secrets: WorkflowAnswers, secretKey: string | undefined): string | null {
  if (Object.keys(secrets).length === 0) return null
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secretKey), iv)
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()])
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`
}

/** Opens sealed secrets; undefined when they cannot be opened here (another key). */
export function openSecrets(sealed: string, secretKey: string | undefined): WorkflowAnswers | undefined {
  try {
    const raw = Buffer.from(sealed.slice(3), 'base64url')
    const decipher = createDecipheriv('aes-256-gcm', keyFrom(secretKey), raw.subarray(0, 12))
    decipher.setAuthTag(raw.subarray(12, 28))
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
    return JSON.parse(text) as WorkflowAnswers
  } catch {
    return undefined
  }
}
