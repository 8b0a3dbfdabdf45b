import {InvalidAnswersError, isMaestroError, MissingAnswersError} from '../../domain/errors.js'
import {WORKFLOW_CATEGORY} from '../../domain/manifest.js'
import {isBinary} from '../../domain/paths.js'
import {resolveAnswers} from '../../render/answers.js'
import type {Answers, LoadedTemplate} from '../../domain/types.js'
import {globMatcher, renderTemplate} from '../../render/render.js'
import {positionAt} from '../locate.js'
import {
  atManifest,
  decode,
  type FindingDraft,
  outcome,
  type RuleOutcome,
  type ScoreContext,
} from './context.js'

/** Top-level entries a template may hold (docs/template-format.md); anything else is stray. */
const ROOT_FILES = new Set([
  'manifest.yaml',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'LICENSE.md',
  'LICENSE.txt',
])
const ROOT_DIRS = new Set(['examples', 'files'])

/** Litter that operating systems, editors and tools leave behind; never meant to be rendered into a project. */
const LITTER_DIRS = new Set(['.git', '__pycache__', 'node_modules', '.idea', '.pytest_cache', '.mypy_cache'])
const LITTER_FILES = [
  /^\.DS_Store$/,
  /^Thumbs\.db$/i,
  /^desktop\.ini$/i,
  /\.py[co]$/,
  /\.sw[po]$/,
  /~$/,
  /\.orig$/,
  /\.rej$/,
]

/**
 * Files written in a template language of their own keep `{{ }}` on purpose (Vue,
 * Handlebars, Jinja, Go templates...), so unresolved-placeholder detection skips them.
 */
const TEMPLATE_LANGUAGE_FILE =
  /\.(vue|hbs|handlebars|mustache|j2|jinja|jinja2|njk|nunjucks|liquid|tmpl|tpl|gotmpl|twig|djhtml)$/i
/** HTML under a templates/ folder is a server-side template (Flask, Django, Jekyll-style layouts). */
const SERVER_TEMPLATE_HTML = /(^|\/)(templates|_layouts|_includes)\/.*\.html?$/i
/** In JavaScript-family files `={{ x }}` is a JSX attribute holding an object literal, not a placeholder. */
const JS_FILE = /\.(jsx?|tsx?|mjs|cjs)$/i

/** `{{ word }}` (optionally with filters) or `{% ... %}`, not preceded by `$` (GitHub Actions' `${{ }}`). */
const PLACEHOLDER = /(?<!\$)\{\{-?\s*[A-Za-z_][\w.]*\s*(?:\|[^{}\n]*)?-?\}\}|(?<!\$)\{%-?[^\n]*?-?%\}/g

/** The commit passed to the renderer: rendering for a score must not depend on store state. */
const QUALITY_COMMIT = '0'.repeat(40)
/** `maestro.year` while scoring: a fixed year, so that no clock reaches the score. */
const QUALITY_YEAR = 2025

interface RenderRun {
  label: string
  answers: Answers
}

interface Placeholder {
  text: string
  source: string
  line?: number
  column?: number
  rendered: string
  renderedLine: number
}

/** structure (15): declared files exist, nothing stray, renders cleanly with defaults and examples. */
export async function checkStructure(ctx: ScoreContext): Promise<RuleOutcome[]> {
  const template = ctx.template
  const sources = [...template.files.keys()]
    .filter((p) => p.startsWith('files/'))
    .map((p) => p.slice('files/'.length))
    .sort()

  if (template.manifest.category === WORKFLOW_CATEGORY && template.files.has('workflow.yaml')) {
    // A workflow renders nothing of its own: its steps render the templates it uses, and
    // its workflow.yaml was validated (actions, inputs, expressions) when it was read.
    return [
      outcome('structure.file-rules', 1),
      checkStray(template),
      outcome('structure.renders', 1),
      outcome('structure.placeholders', 1),
    ]
  }
  const {renders, placeholders, renderedPaths} = await checkRenders(ctx, sources)
  return [checkFileRules(ctx, sources, renderedPaths), checkStray(template), renders, placeholders]
}

function checkFileRules(ctx: ScoreContext, sources: string[], rendered: Set<string>): RuleOutcome {
  const rules = ctx.template.manifest.files ?? []
  if (rules.length === 0) return outcome('structure.file-rules', 1)
  const unmatched = rules
    .map((rule, index) => ({rule, index}))
    .filter(({rule}) => {
      const match = ruleMatcher(rule.path)
      // A rule may name the source path (with its {{ }}) or the rendered one.
      return !sources.some((s) => match(s)) && ![...rendered].some((r) => match(r))
    })
  return outcome(
    'structure.file-rules',
    (rules.length - unmatched.length) / rules.length,
    unmatched.map(({rule, index}) =>
      atManifest(ctx, ['files', index, 'path'], {
        message: `files rule ${JSON.stringify(rule.path)} matches no file under files/`,
        recommendation: `fix the path of files rule ${JSON.stringify(rule.path)} or remove the rule`,
      }),
    ),
  )
}

/** Matches a manifest glob exactly the way the renderer does. */
const ruleMatcher = (pattern: string): ((path: string) => boolean) => globMatcher([pattern])

function checkStray(template: LoadedTemplate): RuleOutcome {
  const stray = new Map<string, FindingDraft>()
  const excluded = (template.manifest.exclude ?? []).map(ruleMatcher)
  for (const path of [...template.files.keys()].sort()) {
    const segments = path.split('/')
    const top = segments[0]!
    const workflowFile = top === 'workflow.yaml' && template.manifest.category === WORKFLOW_CATEGORY
    if (!workflowFile && (segments.length === 1 ? !ROOT_FILES.has(top) : !ROOT_DIRS.has(top))) {
      const entry = segments.length === 1 ? top : `${top}/`
      stray.set(entry, {
        message: `${entry} is stray at the top of the template`,
        recommendation: `move ${entry} under files/ if it belongs to the generated project, otherwise delete it`,
        file: path,
      })
      continue
    }
    if (top !== 'files') continue
    const inner = segments.slice(1)
    const rel = inner.join('/')
    if (excluded.some((m) => m(rel))) continue
    const dirIndex = inner.findIndex((s, i) => i < inner.length - 1 && LITTER_DIRS.has(s))
    const entry =
      dirIndex >= 0
        ? `files/${inner.slice(0, dirIndex + 1).join('/')}/`
        : LITTER_FILES.some((re) => re.test(inner.at(-1)!))
          ? path
          : undefined
    if (entry && !stray.has(entry)) {
      stray.set(entry, {
        message: `${entry} is stray: tool or editor litter would be rendered into every project`,
        recommendation: `delete ${entry} or add it to exclude in manifest.yaml`,
        file: entry.endsWith('/') ? path : entry,
      })
    }
  }
  const findings = [...stray.values()]
  return outcome('structure.no-stray', (3 - findings.length) / 3, findings)
}

async function checkRenders(
  ctx: ScoreContext,
  sources: string[],
): Promise<{renders: RuleOutcome; placeholders: RuleOutcome; renderedPaths: Set<string>}> {
  const template = ctx.template
  const renderedPaths = new Set<string>()
  if (sources.length === 0) {
    const finding = {
      message: 'files/ is empty: the template renders nothing',
      recommendation: 'put the files of the generated project under files/',
    }
    return {
      renders: outcome('structure.renders', 0, [finding]),
      placeholders: outcome('structure.placeholders', 0),
      renderedPaths,
    }
  }

  const defaults = await defaultsRun(ctx)
  const runs: RenderRun[] = defaults.run ? [defaults.run] : []
  for (const example of ctx.examples) {
    if (example.answers) runs.push({label: example.path, answers: example.answers})
  }
  const renderFindings: FindingDraft[] = defaults.finding ? [defaults.finding] : []
  // Defaults that cannot be worked out count as a render with defaults that failed.
  let attempted = defaults.failed ? 1 : 0
  if (defaults.missing && runs.length > 0) {
    const first = template.manifest.parameters.findIndex((p) => p.name === defaults.missing![0])
    renderFindings.push(
      atManifest(ctx, ['parameters', first], {
        message: `defaults alone cannot render the template: ${defaults.missing.join(', ')} ${defaults.missing.length === 1 ? 'has' : 'have'} no default, so only the examples are rendered`,
        note: true,
      }),
    )
  }

  const errors = new Map<string, {finding: FindingDraft; labels: string[]}>()
  const found = new Map<string, {placeholder: Placeholder; labels: string[]}>()
  let succeeded = 0
  let clean = 0
  for (const run of runs) {
    attempted++
    let output: Map<string, Uint8Array>
    try {
      output = await renderTemplate(
        template,
        run.answers,
        {
          template: template.manifest.name,
          version: template.manifest.version,
          commit: QUALITY_COMMIT,
        },
        {year: QUALITY_YEAR},
      )
    } catch (err) {
      const finding = renderErrorFinding(template, err)
      const key = `${finding.file}:${finding.line}:${finding.column}:${finding.message}`
      const known = errors.get(key)
      if (known) known.labels.push(run.label)
      else errors.set(key, {finding, labels: [run.label]})
      continue
    }
    succeeded++
    for (const path of output.keys()) renderedPaths.add(path)
    const left = findPlaceholders(template, sources, output)
    if (left.length === 0) clean++
    for (const placeholder of left) {
      const key = `${placeholder.source}:${placeholder.line ?? placeholder.rendered}:${placeholder.column ?? placeholder.renderedLine}:${placeholder.text}`
      const known = found.get(key)
      if (known) known.labels.push(run.label)
      else found.set(key, {placeholder, labels: [run.label]})
    }
  }

  for (const {finding, labels} of errors.values()) {
    renderFindings.push({
      ...finding,
      message: `rendering with ${labels.join(', ')} failed: ${finding.message}`,
    })
  }
  if (attempted === 0) {
    renderFindings.push(
      atManifest(ctx, ['parameters'], {
        message: `the template could not be rendered: ${(defaults.missing ?? []).join(', ')} ${defaults.missing?.length === 1 ? 'has' : 'have'} no default and no valid examples/*.yaml answers ${defaults.missing?.length === 1 ? 'it' : 'them'}`,
        recommendation:
          'add an examples/*.yaml that answers every required parameter, or give the parameters defaults',
      }),
    )
  }

  const placeholderFindings: FindingDraft[] = [...found.values()].map(({placeholder: p, labels}) => ({
    message: `unresolved placeholder ${p.text} left in ${p.rendered}:${p.renderedLine} when rendering with ${labels.join(', ')}`,
    recommendation: `render ${p.text} with a known variable, or write it as {% raw %}${p.text}{% endraw %} only where the generated project needs the literal text`,
    file: `files/${p.source}`,
    ...(p.line === undefined ? {} : {line: p.line, column: p.column}),
  }))
  if (succeeded === 0) {
    placeholderFindings.push({
      message: 'nothing rendered, so the output could not be checked for unresolved placeholders',
      recommendation: 'make the template render first (see the renders findings)',
    })
  }

  return {
    renders: outcome('structure.renders', attempted === 0 ? 0 : succeeded / attempted, renderFindings),
    placeholders: outcome(
      'structure.placeholders',
      succeeded === 0 ? 0 : clean / succeeded,
      placeholderFindings,
    ),
    renderedPaths,
  }
}

/**
 * The answers of the render with defaults. Required parameters without a default
 * (`missing`) are a design choice, not a defect: the examples must supply them.
 * Defaults that are invalid or fail to evaluate are a defect (`failed`).
 */
async function defaultsRun(
  ctx: ScoreContext,
): Promise<{run?: RenderRun; missing?: string[]; failed?: boolean; finding?: FindingDraft}> {
  const params = ctx.template.manifest.parameters
  try {
    return {run: {label: 'its defaults', answers: await resolveAnswers(params, {}, {useDefaults: true})}}
  } catch (err) {
    if (err instanceof MissingAnswersError) return {missing: err.missing}
    if (err instanceof InvalidAnswersError) {
      return {
        failed: true,
        finding: atManifest(ctx, ['parameters'], {
          message: `the defaults do not satisfy the parameters: ${err.issues.map((i) => i.message).join('; ')}`,
          recommendation: 'make every default valid against its own type, pattern, min/max and choices',
        }),
      }
    }
    if (isMaestroError(err)) {
      return {
        failed: true,
        finding: atManifest(ctx, ['parameters'], {
          message: `the defaults cannot be worked out: ${err.message}`,
          recommendation: 'fix the when conditions and defaults of the parameters in manifest.yaml',
        }),
      }
    }
    throw err
  }
}

/** A render error as a finding at the template file (and line) it came from. */
function renderErrorFinding(template: LoadedTemplate, err: unknown): FindingDraft {
  if (!isMaestroError(err)) {
    return {
      message: err instanceof Error ? err.message : String(err),
      recommendation: 'fix the template so that it renders',
    }
  }
  const data = err.data as {file?: unknown; line?: unknown; column?: unknown; path?: unknown}
  const file = typeof data.file === 'string' ? templatePath(template, data.file) : undefined
  // RenderError messages start with "file:line:col: "; the finding carries those separately.
  const where = [data.file, data.line, data.column]
    .filter((p): p is string | number => typeof p === 'string' || typeof p === 'number')
    .join(':')
  const message =
    where && err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message
  return {
    message,
    recommendation:
      err.code === 'UNSAFE_PATH'
        ? 'make rendered paths stay inside the destination (no .., no absolute paths)'
        : 'fix the Liquid in this file: every variable must be a parameter (or maestro.*), every tag closed',
    ...(file ? {file} : {}),
    ...(typeof data.line === 'number' ? {line: data.line} : {}),
    ...(typeof data.column === 'number' ? {column: data.column} : {}),
  }
}

/** The renderer may name files relative to files/ or to the template root; findings use the root. */
function templatePath(template: LoadedTemplate, file: string): string {
  if (template.files.has(file)) return file
  if (template.files.has(`files/${file}`)) return `files/${file}`
  return file
}

function findPlaceholders(
  template: LoadedTemplate,
  sources: string[],
  output: Map<string, Uint8Array>,
): Placeholder[] {
  const found: Placeholder[] = []
  for (const [rendered, bytes] of [...output].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (isBinary(bytes) || TEMPLATE_LANGUAGE_FILE.test(rendered) || SERVER_TEMPLATE_HTML.test(rendered))
      continue
    const text = decode(bytes)
    const js = JS_FILE.test(rendered)
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (js && /=\s*$/.test(text.slice(Math.max(0, match.index - 8), match.index))) continue
      const at = positionAt(text, match.index)
      const source = sourceOf(template, sources, rendered)
      const sourceText = decode(template.files.get(`files/${source}`) ?? new Uint8Array())
      const offset = sourceText.indexOf(match[0])
      found.push({
        text: match[0],
        source,
        rendered,
        renderedLine: at.line,
        ...(offset >= 0 ? positionAt(sourceText, offset) : {}),
      })
    }
  }
  return found
}

/**
 * The source under files/ that produced a rendered path: the same path when it has no
 * Liquid, else the first source whose path, with its `{{ }}`/`{% %}` parts as
 * wildcards, matches. Only used to point findings at a file a person can edit.
 */
function sourceOf(template: LoadedTemplate, sources: string[], rendered: string): string {
  if (template.files.has(`files/${rendered}`)) return rendered
  for (const source of sources) {
    if (!source.includes('{')) continue
    const pattern = source
      .split(/(\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\})/)
      .map((part, i) => (i % 2 === 1 ? (part.startsWith('{{') ? '[^/]*' : '.*?') : escapeRegExp(part)))
      .join('')
    if (new RegExp(`^${pattern}$`).test(rendered)) return source
  }
  return rendered
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
