import type {Answers, LoadedTemplate} from '../../domain/types.js'
import type {Position} from '../locate.js'
import type {MarkdownOutline} from '../markdown.js'

/** A finding before its severity is known (that depends on how its check ends). */
export interface FindingDraft {
  message: string
  recommendation?: string
  file?: string
  line?: number
  column?: number
  /** Informational: reported, costs nothing. */
  note?: boolean
}

/** What a sub-rule earned: a share of its points (0..1) and why it lost the rest. */
export interface RuleOutcome {
  rule: string
  ratio: number
  findings: FindingDraft[]
}

/** An examples/*.yaml answers file, parsed and checked once for both the examples and structure checks. */
export interface ExampleFile {
  path: string
  /** The complete answers (defaults filled in) when the file is valid. */
  answers?: Answers
  problems: FindingDraft[]
}

/** Everything the checks read, computed once per scoring. */
export interface ScoreContext {
  template: LoadedTemplate
  /** Where a manifest value sits in manifest.yaml. */
  manifestAt(path: readonly (string | number)[]): Position
  /** undefined when README.md is absent or blank. */
  readme: MarkdownOutline | undefined
  examples: ExampleFile[]
}

export const MANIFEST_FILE = 'manifest.yaml'
export const README_FILE = 'README.md'

/** A finding located at a manifest value. */
export function atManifest(
  ctx: ScoreContext,
  path: readonly (string | number)[],
  draft: Omit<FindingDraft, 'file' | 'line' | 'column'>,
): FindingDraft {
  return {...draft, file: MANIFEST_FILE, ...ctx.manifestAt(path)}
}

export function outcome(rule: string, ratio: number, findings: FindingDraft[] = []): RuleOutcome {
  return {rule, ratio: Math.max(0, Math.min(1, ratio)), findings}
}

const decoder = new TextDecoder('utf-8')

export function decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
