// The contract as code: parse asyncapi.yaml with the AsyncAPI parser (structure, $refs,
// bindings, operation/channel links) and compile each message's payload schema with Ajv.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {DiagnosticSeverity, Parser} from '@asyncapi/parser'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** The parsed document, and the parser's errors (warnings are printed, not fatal). */
export async function loadContract(file = join(ROOT, 'asyncapi.yaml')) {
  const {document, diagnostics} = await new Parser().parse(readFileSync(file, 'utf8'), {source: file})
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error)
  const warnings = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Warning)
  return {document, errors, warnings}
}

/** One validate function per message name. */
export function messageValidators(document) {
  // AsyncAPI Schema is a superset of JSON Schema draft 7; the parser adds x- keys.
  const ajv = new Ajv({strict: false, allErrors: true})
  addFormats(ajv)
  const validators = new Map()
  for (const message of document.allMessages()) {
    validators.set(message.name(), {message, validate: ajv.compile(message.payload().json())})
  }
  return validators
}

export const describeErrors = (errors) =>
  (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ')

/** Sample files: samples/<MessageName>/*.json (valid) or samples/invalid/<MessageName>/*.json. */
export function samples(kind = 'valid') {
  const base = kind === 'valid' ? join(ROOT, 'samples') : join(ROOT, 'samples', 'invalid')
  const out = []
  for (const name of readdirSync(base, {withFileTypes: true})) {
    if (!name.isDirectory() || name.name === 'invalid') continue
    for (const file of readdirSync(join(base, name.name)).filter((f) => f.endsWith('.json'))) {
      const path = join(base, name.name, file)
      out.push({message: name.name, file: path, payload: JSON.parse(readFileSync(path, 'utf8'))})
    }
  }
  return out
}
