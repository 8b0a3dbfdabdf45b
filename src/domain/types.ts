/**
 * Core types shared by every layer (store, db, render, quality, registry, server).
 * The on-disk format is described in docs/template-format.md.
 */

export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'choice' | 'multichoice'

export type AnswerValue = string | number | boolean | string[]
export type Answers = Record<string, AnswerValue>

export interface Parameter {
  name: string
  type: ParameterType
  description?: string
  /** A literal, or for strings a Liquid expression like `{{ project_name | slugify }}` over earlier answers. */
  default?: AnswerValue
  /** Required unless it has a default; defaults to `default === undefined`. */
  required?: boolean
  /** string: a regular expression the value must match. */
  pattern?: string
  /** string: what `pattern` allows, in words; shown in prompts and errors instead of the regex. */
  pattern_hint?: string
  /** string: minimum/maximum length; integer/number: minimum/maximum value. */
  min?: number
  max?: number
  /** choice/multichoice: the allowed values. */
  choices?: string[]
  /** Liquid condition over earlier answers, e.g. `database != "none"`; when false the parameter is skipped. */
  when?: string
  /** Shown instead of the name in prompts. */
  prompt?: string
  /** Secret values are not echoed in prompts nor written to .maestro-answers.yaml. */
  secret?: boolean
}

export interface FileRule {
  /** Path or glob relative to files/ (picomatch syntax). */
  path: string
  /** Liquid condition; when false, matching files are not rendered. */
  when?: string
  /** Copy matching files verbatim (no Liquid rendering of contents). */
  raw?: boolean
}

export interface Manifest {
  name: string
  version: string
  description: string
  category: string
  author: string
  tags: string[]
  license?: string
  /** Package name → version range (semver range; PEP 440 style `>=1.2,<2` is accepted too). */
  dependencies: Record<string, string>
  files: FileRule[]
  /** Globs relative to files/ that are never rendered. */
  exclude: string[]
  parameters: Parameter[]
  /** Ignored if present: quality is computed, never trusted. */
  quality_score?: number
  /** Minimum maestro-tpl version able to render this template (optional). */
  maestro?: string
  /** What `update` applies to projects crossing versions (absent when none). */
  migrations?: Migration[]
}

/**
 * One change a template version made that `update` must know about to carry a project
 * across it: exactly one of `rename_parameter`, `move` or `delete`. Applies when the
 * project's recorded version is older than `version` and the target is `version` or newer.
 * Paths are paths in the generated project; they may hold `{{ }}` over the answers.
 */
export interface Migration {
  version: string
  rename_parameter?: {from: string; to: string}
  move?: {from: string; to: string}
  delete?: string
}

/**
 * The files of a template folder, keyed by POSIX path relative to the template root
 * (`manifest.yaml`, `README.md`, `examples/basic.yaml`, `files/src/{{ name }}.py`...).
 * Paths are validated with `assertSafeRelativePath` before they get here.
 */
export type TemplateFiles = Map<string, Uint8Array>

/** A parsed, validated template: what every layer above the domain works with. */
export interface LoadedTemplate {
  manifest: Manifest
  files: TemplateFiles
  /** README.md contents ('' when absent). */
  readme: string
}

/**
 * The category of published workflows: a workflow is stored and indexed like a template
 * in `workflows/<name>/` of its namespace (src/workflows/package.ts), with a generated
 * manifest.yaml beside its workflow.yaml. It lives here, not in manifest.ts, so that the
 * registry and the index can name it without loading ajv and yaml (which manifest.ts
 * imports) on every command.
 */
export const WORKFLOW_CATEGORY = 'workflows'

/** The template categories of the catalog (docs/template-format.md). */
export const CATEGORIES = Object.freeze([
  'ai_ml_engineer',
  'backend_developer',
  'database_specialist',
  'devops_engineer',
  'frontend_developer',
  'integration_tester',
  'maestro-curated',
  'qa_engineer',
  'requirement_analyst',
  'sdlc-templates',
  'security_specialist',
  'solution_architect',
  'technical_writer',
  'ui_ux_designer',
  'frontend-templates',
] as const)

/** One of {@link CATEGORIES}: what a template's `category` and a search's `category` hold. */
export type Category = (typeof CATEGORIES)[number]

/** Whether `value` is one of {@link CATEGORIES}. */
export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value)
}

/** Where a template lives: a namespace (tenant, or `public` for the bundled catalog). */
export type Namespace = string
export const PUBLIC_NAMESPACE = 'public'

export interface TemplateSummary {
  id: string
  namespace: Namespace
  name: string
  version: string
  description: string
  /** One of {@link CATEGORIES} (editors complete them); a manifest may name another, which costs it quality points. */
  category: Category | (string & {})
  author: string
  tags: string[]
  quality_score: number | null
  updated_at: string
}

export interface VersionInfo {
  version: string
  commit: string
  created_at: string
  message: string
  author: string
  quality_score: number | null
}
