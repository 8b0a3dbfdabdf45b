/**
 * A workflow folder (workflow.yaml, README.md, examples/) as the registry stores it: the
 * template store, index, search, versions and quality scoring are reused as they are, so
 * a workflow is kept as a template-shaped folder `workflows/<name>/` holding a generated
 * manifest.yaml (name, version, description, tags and the parameter schema, category
 * `workflows`) beside the workflow.yaml it was made from. Reading it back parses the
 * workflow.yaml; the manifest only serves the index.
 */
import {stringify} from 'yaml'

import {InvalidTemplateError} from '../domain/errors.js'
import {WORKFLOW_CATEGORY} from '../domain/manifest.js'
import {parseTemplate, readFolderFiles} from '../domain/template.js'
import type {LoadedTemplate, TemplateFiles} from '../domain/types.js'
import {parseWorkflow} from './definition.js'
import type {LoadedWorkflow, WorkflowDefinition} from './types.js'

const utf8 = new TextEncoder()
const MANIFEST = 'manifest.yaml'
const WORKFLOW = 'workflow.yaml'

/** What a workflow folder may hold besides workflow.yaml: README.md and examples/. */
function allowedFile(path: string): boolean {
  return path === WORKFLOW || path === 'README.md' || path.startsWith('examples/') || path === 'CHANGELOG.md'
}

/**
 * Validates a workflow folder held in memory (from disk, an upload or the store).
 *
 * @example
 * ```ts
 * const workflow = parseWorkflowFiles(new Map([['workflow.yaml', bytes]]), 'upload')
 * ```
 */
export function parseWorkflowFiles(files: TemplateFiles, source?: string): LoadedWorkflow {
  const file = source === undefined ? WORKFLOW : `${source}/${WORKFLOW}`
  const raw = files.get(WORKFLOW)
  if (raw === undefined)
    throw new InvalidTemplateError(
      [{file, message: 'workflow.yaml is missing; every workflow needs one at its top level'}],
      'workflow is invalid',
    )
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(raw)
  } catch {
    throw new InvalidTemplateError([{file, message: 'workflow.yaml is not UTF-8 text'}])
  }
  const definition = parseWorkflow(text, file)
  const own = new Map<string, Uint8Array>()
  const stray: string[] = []
  for (const [path, bytes] of files) {
    if (path === MANIFEST) continue
    if (allowedFile(path)) own.set(path, bytes)
    else stray.push(path)
  }
  if (stray.length > 0)
    throw new InvalidTemplateError(
      stray.slice(0, 20).map((path) => ({
        file: source === undefined ? path : `${source}/${path}`,
        message:
          'a workflow folder holds workflow.yaml, README.md and examples/ only; templates it uses are published on their own',
      })),
      'workflow is invalid',
    )
  const readme = own.get('README.md')
  return {definition, files: own, readme: readme === undefined ? '' : new TextDecoder().decode(readme)}
}

/**
 * Reads and validates a workflow folder.
 *
 * @example
 * ```ts
 * const workflow = await loadWorkflowDir('templates_storage/workflows/python-service')
 * ```
 */
export async function loadWorkflowDir(dir: string): Promise<LoadedWorkflow> {
  return parseWorkflowFiles(await readFolderFiles(dir), dir)
}

/** The manifest the index sees for a workflow. */
function manifestFor(definition: WorkflowDefinition): Record<string, unknown> {
  const m: Record<string, unknown> = {
    name: definition.name,
    version: definition.version,
    description: definition.description,
    category: WORKFLOW_CATEGORY,
    author: definition.author,
    tags: definition.tags.includes('workflow')
      ? definition.tags
      : ['workflow', ...definition.tags].slice(0, 20),
  }
  if (definition.license !== undefined) m.license = definition.license
  if (definition.parameters.length > 0) m.parameters = definition.parameters
  return m
}

/**
 * The template-shaped folder the registry publishes for a workflow.
 *
 * @example
 * ```ts
 * await registry.publish({template: workflowAsTemplate(workflow)})
 * ```
 */
export function workflowAsTemplate(workflow: LoadedWorkflow): LoadedTemplate {
  const files: TemplateFiles = new Map([[MANIFEST, utf8.encode(stringify(manifestFor(workflow.definition)))]])
  for (const [path, bytes] of [...workflow.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    files.set(path, bytes)
  return parseTemplate(files)
}
