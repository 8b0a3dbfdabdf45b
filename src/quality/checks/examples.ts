import {LineCounter, parseDocument} from 'yaml'

import {InvalidAnswersError, isMaestroError, MissingAnswersError} from '../../domain/errors.js'
import {resolveAnswers} from '../../render/answers.js'
import type {Answers, LoadedTemplate} from '../../domain/types.js'
import {yamlLocator} from '../locate.js'
import {
  decode,
  type ExampleFile,
  MANIFEST_FILE,
  outcome,
  type RuleOutcome,
  type ScoreContext,
} from './context.js'

const ANSWERS_FILE = /^examples\/[^/]+\.ya?ml$/
const NOTES_FILE = /^examples\/.+\.md$/i

/** examples (20): answer files present and valid, usage notes present. */
export function checkExamples(ctx: ScoreContext): RuleOutcome[] {
  const files = ctx.examples
  const hasNotes = [...ctx.template.files.keys()].some((p) => NOTES_FILE.test(p))
  const notes = hasNotes
    ? outcome('examples.notes', 1)
    : outcome('examples.notes', 0, [
        {
          message: 'examples/ has no usage notes',
          recommendation:
            'add examples/README.md (or another .md) explaining what each answers file produces',
        },
      ])
  if (files.length === 0) {
    return [
      outcome('examples.answers', 0, [
        {
          message: 'examples/ has no answers files',
          recommendation: `add examples/basic.yaml with answers for the parameters, usable with \`maestro-tpl instantiate ${ctx.template.manifest.name} ./out --answers examples/basic.yaml\``,
        },
      ]),
      outcome('examples.valid', 0),
      notes,
    ]
  }
  const invalid = files.filter((f) => f.problems.length > 0)
  return [
    outcome('examples.answers', 1),
    outcome(
      'examples.valid',
      (files.length - invalid.length) / files.length,
      invalid.flatMap((f) => f.problems),
    ),
    notes,
  ]
}

/**
 * Parses and validates every examples/*.yaml answers file against the parameters,
 * in path order. Done once: the structure check renders with the valid ones.
 */
export async function loadExamples(template: LoadedTemplate): Promise<ExampleFile[]> {
  const paths = [...template.files.keys()].filter((p) => ANSWERS_FILE.test(p)).sort()
  const results: ExampleFile[] = []
  for (const path of paths) results.push(await loadExample(template, path))
  return results
}

async function loadExample(template: LoadedTemplate, path: string): Promise<ExampleFile> {
  const text = decode(template.files.get(path)!)
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false})
  const fix = `fix ${path} so that \`maestro-tpl instantiate ${template.manifest.name} ./out --answers ${path}\` works`
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!
    const pos = lineCounter.linePos(err.pos[0])
    return {
      path,
      problems: [
        {
          message: `${path} is not valid YAML: ${firstLine(err.message)}`,
          recommendation: fix,
          file: path,
          ...lc(pos),
        },
      ],
    }
  }
  const raw: unknown = doc.toJS()
  if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      path,
      problems: [
        {
          message: `${path} is not a map of answers (parameter: value)`,
          recommendation: fix,
          file: path,
          line: 1,
        },
      ],
    }
  }
  const at = yamlLocator(text)
  try {
    const answers = await resolveAnswers(template.manifest.parameters, raw as Answers, {useDefaults: true})
    return {path, answers, problems: []}
  } catch (err) {
    if (err instanceof InvalidAnswersError) {
      return {
        path,
        problems: err.issues.map((issue) => ({
          message: `${path}: ${issue.message}`,
          recommendation: fix,
          file: path,
          ...(issue.path ? at(issue.path.split('/').filter(Boolean)) : {}),
        })),
      }
    }
    if (err instanceof MissingAnswersError) {
      return {
        path,
        problems: [
          {
            message: `${path} does not answer the required ${err.missing.join(', ')}`,
            recommendation: `add ${err.missing.join(', ')} to ${path}`,
            file: path,
            line: 1,
          },
        ],
      }
    }
    if (isMaestroError(err)) {
      // A parameter's `when` or default failed to evaluate with these answers: the manifest is at fault.
      const file = typeof err.data.file === 'string' ? err.data.file : MANIFEST_FILE
      return {
        path,
        problems: [
          {
            message: `${path}: ${err.message}`,
            recommendation: 'fix the when conditions and defaults of the parameters in manifest.yaml',
            file,
          },
        ],
      }
    }
    throw err
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim()
}

function lc(pos: {line: number; col: number}): {line: number; column: number} {
  return {line: pos.line, column: pos.col}
}
