/**
 * workflow.yaml: parsing and validation, with every problem reported at its file, line
 * and column, like manifest.yaml. Parameters are checked with the manifest's own schema
 * and semantic checks (one question schema for templates and workflows); each action's
 * inputs with a schema of their own; expressions are parsed, and `steps.<id>` may only
 * name an earlier step (so expressions can never refer in a circle).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import type {ValidateFunction} from 'ajv/dist/2020.js'
import {isMap} from 'yaml'

import {InvalidTemplateError, UnsafePathError} from '../domain/errors.js'
import type {Issue} from '../domain/errors.js'
import {
  nodePosition,
  normaliseParameter,
  parseYamlSource,
  schemaMessage,
  semanticIssues,
} from '../domain/manifest.js'
import {packageRoot} from '../domain/package-root.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import {createLiquid} from '../render/liquid.js'
import {ACTIONS} from './types.js'
import type {ActionName, StepDefinition, WorkflowDefinition} from './types.js'

/** Ceilings on a definition: more than any real workflow needs. */
export const WORKFLOW_LIMITS = Object.freeze({maxSteps: 100, maxDefinitionBytes: 256 * 1024})

const NAME = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'
const STEP_ID = '^[a-z][a-z0-9_]{0,62}$'
const SEMVER = String.raw`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$`
const MANIFEST_ID = 'https://maestro-tpl.dev/schemas/manifest.schema.json'

/** Each action's inputs. Strings may hold Liquid; unknown inputs are refused. */
const ACTION_INPUTS: Record<ActionName, Record<string, unknown>> = {
  template: {
    type: 'object',
    required: ['template'],
    additionalProperties: false,
    properties: {
      template: {type: 'string', minLength: 1, maxLength: 300},
      path: {type: 'string', minLength: 1, maxLength: 1000},
      answers: {type: ['object', 'string']},
      defaults: {type: ['boolean', 'string']},
    },
  },
  file: {
    type: 'object',
    required: ['path'],
    additionalProperties: false,
    properties: {
      action: {enum: ['render', 'copy', 'move', 'delete']},
      path: {type: 'string', minLength: 1, maxLength: 1000},
      from: {type: 'string', minLength: 1, maxLength: 1000},
      content: {type: 'string', maxLength: 200_000},
    },
  },
  merge: {
    type: 'object',
    required: ['path', 'value'],
    additionalProperties: false,
    properties: {
      path: {type: 'string', minLength: 1, maxLength: 1000},
      value: {},
      format: {enum: ['json', 'yaml']},
    },
  },
  gate: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      condition: {type: ['string', 'boolean']},
      min_quality: {type: ['integer', 'string']},
      message: {type: 'string', maxLength: 1000},
    },
  },
  git: {
    type: 'object',
    additionalProperties: false,
    properties: {
      message: {type: 'string', minLength: 1, maxLength: 1000},
      branch: {type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$'},
      author: {type: 'string', minLength: 1, maxLength: 200},
      email: {type: 'string', minLength: 3, maxLength: 200},
    },
  },
}

const WORKFLOW_SCHEMA = {
  $id: 'https://maestro-tpl.dev/schemas/workflow.schema.json',
  type: 'object',
  required: ['name', 'version', 'description', 'author', 'steps'],
  additionalProperties: false,
  patternProperties: {'^x-': true},
  properties: {
    name: {type: 'string', pattern: NAME, maxLength: 64},
    version: {type: 'string', pattern: SEMVER, maxLength: 64},
    description: {type: 'string', minLength: 1, maxLength: 1000},
    author: {type: 'string', minLength: 1, maxLength: 200},
    license: {type: 'string', minLength: 1, maxLength: 100},
    tags: {
      type: 'array',
      maxItems: 20,
      uniqueItems: true,
      items: {type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 32},
    },
    parameters: {type: 'array', maxItems: 200, items: {$ref: `${MANIFEST_ID}#/$defs/parameter`}},
    steps: {
      type: 'array',
      minItems: 1,
      maxItems: WORKFLOW_LIMITS.maxSteps,
      items: {
        type: 'object',
        required: ['id', 'uses'],
        additionalProperties: false,
        properties: {
          id: {type: 'string', pattern: STEP_ID},
          name: {type: 'string', minLength: 1, maxLength: 200},
          uses: {enum: [...ACTIONS]},
          if: {type: ['string', 'boolean']},
          with: {type: 'object'},
        },
      },
    },
    outputs: {type: 'object', maxProperties: 100},
  },
}

let validators: {workflow: ValidateFunction; actions: Record<ActionName, ValidateFunction>} | undefined

function compiled() {
  if (validators) return validators
  const manifest = JSON.parse(
    readFileSync(join(packageRoot(), 'schemas', 'manifest.schema.json'), 'utf8'),
  ) as Record<string, unknown>
  const ajv = new Ajv2020({allErrors: true, strict: true, allowUnionTypes: true, validateSchema: false})
  ajv.addSchema(manifest)
  const actions = Object.fromEntries(
    ACTIONS.map((name) => [name, ajv.compile(ACTION_INPUTS[name])]),
  ) as Record<ActionName, ValidateFunction>
  validators = {workflow: ajv.compile(WORKFLOW_SCHEMA), actions}
  return validators
}

/** Whether a string holds Liquid markup (and so is only known at run time). */
export function hasLiquid(value: string): boolean {
  return /\{\{|\{%/.test(value)
}

/** Every string in a value tree, with its JSON pointer below `base`. */
function strings(value: unknown, base: string, out: {pointer: string; text: string}[] = []) {
  if (typeof value === 'string') out.push({pointer: base, text: value})
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${base}/${i}`, out))
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value))
      strings(v, `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out)
  return out
}

/** `steps.<id>` references in an expression (also `steps["id"]`). */
function stepReferences(text: string): string[] {
  const ids: string[] = []
  for (const m of text.matchAll(/\bsteps\s*(?:\.\s*([A-Za-z_][\w]*)|\[\s*["']([^"']+)["']\s*\])/g))
    ids.push(m[1] ?? m[2]!)
  return ids
}

/** Inputs that name a path in the workspace: a literal one is checked at publish, a templated one when it runs. */
const PATH_INPUTS: Partial<Record<ActionName, readonly string[]>> = {
  template: ['path'],
  file: ['path', 'from'],
  merge: ['path'],
}

/**
 * Checks a workspace path from a step: relative, no `..`, no `.git`, not absolute. `.` is
 * the workspace root where a template may be rendered.
 */
export function checkWorkspacePath(path: string, what: string, allowRoot = false): string {
  if (allowRoot && path === '.') return path
  return assertSafeRelativePath(path, what)
}

/**
 * Parses and validates workflow.yaml text. Throws one InvalidTemplateError listing every
 * problem (YAML syntax, schema, unknown actions and inputs, duplicate step ids, a
 * reference to a step that has not run yet, an expression that does not parse, a literal
 * path that leaves the workspace), each at its file, line and column.
 *
 * @example
 * ```ts
 * const definition = parseWorkflow(await readFile('workflow.yaml', 'utf8'))
 * definition.steps.map((s) => s.uses) // ['template', 'template', 'git']
 * ```
 */
export function parseWorkflow(text: string, file = 'workflow.yaml'): WorkflowDefinition {
  const fail = (issues: Issue[]): never => {
    throw new InvalidTemplateError(issues, `${file} is invalid`)
  }
  if (Buffer.byteLength(text) > WORKFLOW_LIMITS.maxDefinitionBytes)
    fail([{file, message: `workflow.yaml is larger than ${WORKFLOW_LIMITS.maxDefinitionBytes} bytes`}])
  const {doc, lineCounter: lc, data} = parseYamlSource(text, file)
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    fail([{file, line: 1, column: 1, message: 'workflow.yaml must be a mapping of keys to values'}])
  const m = data as Record<string, unknown>
  // YAML reads `version: 1.0` as a number; the author meant the text.
  if (isMap(doc.contents)) {
    const node = doc.get('version', true) as {value?: unknown; range?: [number, number]} | undefined
    if (node && typeof node.value === 'number' && node.range)
      m.version = text.slice(node.range[0], node.range[1])
  }
  const issues: Issue[] = []
  const at = (pointer: string, message: string, key?: string) =>
    issues.push({file, ...nodePosition(doc, lc, pointer, key), path: pointer, message})
  const {workflow, actions} = compiled()
  if (!workflow(data)) {
    const seen = new Set<string>()
    for (const err of workflow.errors ?? []) {
      if (err.keyword === 'if') continue
      const params = err.params as Record<string, unknown>
      let message = schemaMessage(err, data).replace(/ in manifest \(/, ' in workflow.yaml (')
      let key: string | undefined
      if (err.keyword === 'additionalProperties') key = String(params.additionalProperty)
      if (err.keyword === 'enum' && /^\/steps\/\d+\/uses$/.test(err.instancePath))
        message = `${message.replace(/ must be one of .*/, '')} names an unknown action ${JSON.stringify(
          ((data as Record<string, unknown>).steps as Record<string, unknown>[])[
            Number(err.instancePath.split('/')[2])
          ]!.uses,
        )}; actions are ${ACTIONS.join(', ')}`
      if (seen.has(`${err.instancePath}${message}`)) continue
      seen.add(`${err.instancePath}${message}`)
      at(err.instancePath, message, key)
    }
  }
  for (const {pointer, message} of semanticIssues(m)) at(pointer, message)

  const liquid = createLiquid()
  const checkExpression = (
    pointer: string,
    textValue: string,
    earlier: ReadonlySet<string>,
    asCondition = false,
  ) => {
    try {
      if (asCondition && !hasLiquid(textValue)) liquid.parse(`{{ ${textValue} }}`)
      else liquid.parse(textValue)
    } catch (err) {
      at(
        pointer,
        `expression ${JSON.stringify(textValue.slice(0, 80))} does not parse: ${(err as Error).message.replace(/, line:\d+, col:\d+$/, '')}`,
      )
      return
    }
    for (const id of stepReferences(textValue))
      if (!earlier.has(id))
        at(
          pointer,
          `expression refers to steps.${id}, which is not an earlier step (a step sees only the outputs of steps before it)`,
        )
  }

  const steps = Array.isArray(m.steps) ? (m.steps as unknown[]) : []
  const earlier = new Set<string>()
  const ids = new Map<string, number>()
  steps.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return
    const step = raw as Record<string, unknown>
    const base = `/steps/${i}`
    if (typeof step.id === 'string') {
      const first = ids.get(step.id)
      if (first !== undefined)
        at(`${base}/id`, `steps[${i}].id "${step.id}" is already used by steps[${first}]`)
      else ids.set(step.id, i)
    }
    if (typeof step.if === 'string') checkExpression(`${base}/if`, step.if, earlier, true)
    const uses = step.uses as ActionName
    if ((ACTIONS as readonly string[]).includes(uses)) {
      const inputs = step.with ?? {}
      const validate = actions[uses]
      if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) && !validate(inputs)) {
        for (const err of validate.errors ?? []) {
          const params = err.params as Record<string, unknown>
          const pointer = `${base}/with${err.instancePath}`
          if (err.keyword === 'additionalProperties')
            at(
              `${base}/with`,
              `unknown input "${String(params.additionalProperty)}" for the ${uses} action; it takes ${Object.keys(
                (ACTION_INPUTS[uses] as {properties: object}).properties,
              ).join(', ')}`,
              String(params.additionalProperty),
            )
          else if (err.keyword === 'required')
            at(`${base}/with`, `the ${uses} action needs the input "${String(params.missingProperty)}"`)
          else if (err.keyword === 'minProperties')
            at(
              `${base}/with`,
              `the ${uses} action needs at least one input (${Object.keys((ACTION_INPUTS[uses] as {properties: object}).properties).join(', ')})`,
            )
          else
            at(
              pointer,
              `steps[${i}].with${err.instancePath.replace(/\//g, '.')} ${err.message ?? 'is invalid'}`,
            )
        }
      }
      if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs)) {
        const w = inputs as Record<string, unknown>
        if (uses === 'file') {
          const action = (w.action as string | undefined) ?? 'render'
          if (action === 'render' && w.content === undefined)
            at(`${base}/with`, 'a file step that renders needs "content"')
          if ((action === 'copy' || action === 'move') && w.from === undefined)
            at(`${base}/with`, `a file step that does ${action} needs "from"`)
        }
        for (const key of PATH_INPUTS[uses] ?? []) {
          const value = w[key]
          if (typeof value !== 'string' || hasLiquid(value)) continue
          try {
            checkWorkspacePath(value, `steps[${i}].with.${key}`, uses === 'template')
          } catch (err) {
            if (err instanceof UnsafePathError) at(`${base}/with/${key}`, err.message)
            else throw err
          }
        }
        for (const {pointer, text: t} of strings(w, `${base}/with`))
          if (hasLiquid(t)) checkExpression(pointer, t, earlier)
        if (uses === 'gate' && typeof w.condition === 'string')
          checkExpression(`${base}/with/condition`, w.condition, earlier, true)
      }
    }
    if (typeof step.id === 'string') earlier.add(step.id)
  })
  if (m.outputs && typeof m.outputs === 'object')
    for (const {pointer, text: t} of strings(m.outputs, '/outputs'))
      if (hasLiquid(t)) checkExpression(pointer, t, earlier)

  if (issues.length > 0)
    fail(issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)))

  const definition: WorkflowDefinition = {
    name: m.name as string,
    version: m.version as string,
    description: m.description as string,
    author: m.author as string,
    tags: (m.tags as string[] | undefined) ?? [],
    parameters: ((m.parameters as Record<string, unknown>[] | undefined) ?? []).map(normaliseParameter),
    steps: (m.steps as Record<string, unknown>[]).map((s) => {
      const step: StepDefinition = {
        id: s.id as string,
        uses: s.uses as ActionName,
        with: (s.with as Record<string, unknown> | undefined) ?? {},
      }
      if (s.name !== undefined) step.name = s.name as string
      if (s.if !== undefined) step.if = typeof s.if === 'string' ? s.if : JSON.stringify(s.if)
      return step
    }),
    outputs: (m.outputs as Record<string, unknown> | undefined) ?? {},
  }
  if (m.license !== undefined) definition.license = m.license as string
  return definition
}
