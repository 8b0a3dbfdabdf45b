import type {CheckId} from './types.js'

/** A check: a group of sub-rules whose points add up to its weight. */
export interface QualityCheck {
  id: CheckId
  title: string
  weight: number
}

/** A sub-rule: what earns its points, and how partial points are given. */
export interface QualityRule {
  /** Stable id, `<check>.<rule>`; also the SARIF ruleId. */
  id: string
  check: CheckId
  /** Points when fully satisfied. */
  points: number
  /** One line: what the rule wants. */
  title: string
  /** How the points are earned, partial points included. */
  scoring: string
  /**
   * A critical rule that is not fully satisfied fails its check whatever the points,
   * and caps the template's score at CRITICAL_SCORE_CAP: a template whose output is
   * broken must not pass the gate on the strength of its README.
   */
  critical?: boolean
}

/**
 * The five checks, in report order. Weights sum to 100.
 *
 * @example
 * ```ts
 * CHECKS.map((c) => `${c.id} ${c.weight}`) // ['documentation 30', 'examples 20', ...]
 * ```
 */
export const CHECKS: readonly QualityCheck[] = Object.freeze([
  {id: 'documentation', title: 'Documentation', weight: 30},
  {id: 'examples', title: 'Examples', weight: 20},
  {id: 'metadata', title: 'Metadata', weight: 20},
  {id: 'structure', title: 'Structure', weight: 15},
  {id: 'dependencies', title: 'Dependencies', weight: 15},
])

/** A check passes at 80% of its weight or more, warns at 50% or more, else fails. */
export const PASS_RATIO = 0.8
export const WARNING_RATIO = 0.5

/**
 * Highest score of a template that fails a critical rule. The weights alone would let
 * a template that does not render score 85; the cap keeps the score the one number
 * that the gate, `search --min-score` and the registry report all compare.
 */
export const CRITICAL_SCORE_CAP = 50

/** Rule id of the findings of an invalid template (they are not points of any check). */
export const INVALID_TEMPLATE_RULE = 'template.valid'

/** Minimum score when neither the caller nor MIN_TEMPLATE_QUALITY_SCORE says otherwise. */
export const DEFAULT_MIN_SCORE = 70

/** README prose (outside code blocks) needed for full and for half the length points. */
export const README_WORDS_FULL = 120
export const README_WORDS_HALF = 50
/** Description length (characters and words) needed for full points; half from HALF characters. */
export const DESCRIPTION_CHARS_FULL = 40
export const DESCRIPTION_WORDS_FULL = 6
export const DESCRIPTION_CHARS_HALF = 20
/** Tags needed for full points (one point-share per tag up to this). */
export const TAGS_FULL = 3

/**
 * Every sub-rule with its points: the single source of the scoring table. The checks
 * in src/quality/checks implement them by id, docs/quality-rules.md documents them,
 * and the SARIF formatter publishes them as `tool.driver.rules`.
 *
 * @example
 * ```ts
 * QUALITY_RULES.filter((r) => r.check === 'examples').reduce((sum, r) => sum + r.points, 0) // 20
 * ```
 */
export const QUALITY_RULES: readonly QualityRule[] = Object.freeze([
  // documentation 30
  {
    id: 'documentation.readme',
    check: 'documentation',
    points: 5,
    title: 'README.md is present and not empty',
    scoring: 'all or nothing; without a README the other documentation rules earn nothing',
  },
  {
    id: 'documentation.length',
    check: 'documentation',
    points: 5,
    title: `README has at least ${README_WORDS_FULL} words of prose outside code blocks`,
    scoring: `full at ${README_WORDS_FULL} words, half at ${README_WORDS_HALF}`,
  },
  {
    id: 'documentation.title',
    check: 'documentation',
    points: 3,
    title: 'README has a title (a level-1 heading)',
    scoring: 'all or nothing',
  },
  {
    id: 'documentation.usage-section',
    check: 'documentation',
    points: 4,
    title: 'README has a Usage section (## Usage, Getting started or Quick start)',
    scoring: 'all or nothing',
  },
  {
    id: 'documentation.usage-command',
    check: 'documentation',
    points: 4,
    title: 'the Usage section shows a command (a code block, or inline `maestro-tpl ...`)',
    scoring: 'all or nothing',
  },
  {
    id: 'documentation.parameters',
    check: 'documentation',
    points: 6,
    title: 'README has a Parameters section (or Options, Variables, Inputs) naming every parameter',
    scoring: 'share of parameters named in the section; full when the template has no parameters',
  },
  {
    id: 'documentation.code-blocks',
    check: 'documentation',
    points: 3,
    title: 'README has at least two fenced code blocks',
    scoring: 'full at two, half at one',
  },
  // examples 20
  {
    id: 'examples.answers',
    check: 'examples',
    points: 6,
    title: 'examples/ holds at least one answers file (*.yaml)',
    scoring: 'all or nothing',
  },
  {
    id: 'examples.valid',
    check: 'examples',
    points: 10,
    title: 'every examples/*.yaml is a map of answers valid against the parameters',
    scoring: 'share of valid answer files; nothing without answer files',
  },
  {
    id: 'examples.notes',
    check: 'examples',
    points: 4,
    title: 'examples/ holds usage notes (*.md)',
    scoring: 'all or nothing',
  },
  // metadata 20
  {
    id: 'metadata.description',
    check: 'metadata',
    points: 4,
    title: `description is substantive (${DESCRIPTION_CHARS_FULL}+ characters, ${DESCRIPTION_WORDS_FULL}+ words)`,
    scoring: `full when both hold, half from ${DESCRIPTION_CHARS_HALF} characters`,
  },
  {
    id: 'metadata.author',
    check: 'metadata',
    points: 3,
    title: 'author is set',
    scoring: 'all or nothing',
  },
  {
    id: 'metadata.license',
    check: 'metadata',
    points: 2,
    title: 'license is set',
    scoring: 'all or nothing',
  },
  {
    id: 'metadata.tags',
    check: 'metadata',
    points: 2,
    title: `at least ${TAGS_FULL} tags`,
    scoring: `one share per tag up to ${TAGS_FULL}`,
  },
  {
    id: 'metadata.category',
    check: 'metadata',
    points: 2,
    title: 'category is one of the known categories',
    scoring: 'all or nothing',
  },
  {
    id: 'metadata.parameter-descriptions',
    check: 'metadata',
    points: 6,
    title: 'every parameter has a description',
    scoring: 'share of described parameters; full when there are none',
  },
  {
    id: 'metadata.version',
    check: 'metadata',
    points: 1,
    title: 'version is valid semver',
    scoring: 'all or nothing',
  },
  // structure 15
  {
    id: 'structure.file-rules',
    check: 'structure',
    points: 3,
    title: 'every `files` rule in the manifest matches at least one file under files/',
    scoring: 'share of matching rules; full when there are no rules',
  },
  {
    id: 'structure.no-stray',
    check: 'structure',
    points: 3,
    title:
      'nothing stray: only manifest.yaml, README.md, CHANGELOG.md, LICENSE, examples/ and files/ at the top; no OS, editor or build litter under files/ unless an `exclude` glob covers it',
    scoring: 'minus one point per stray entry',
  },
  {
    id: 'structure.renders',
    check: 'structure',
    points: 6,
    critical: true,
    title: 'the template renders with its defaults and with each valid examples/*.yaml',
    scoring:
      'share of renders that succeed. Defaults that leave a required parameter unanswered are skipped when examples supply it',
  },
  {
    id: 'structure.placeholders',
    check: 'structure',
    points: 3,
    critical: true,
    title:
      'rendered output holds no unresolved `{{ name }}` or `{% ... %}` (except `${{ }}` and template-language files)',
    scoring: 'share of successful renders with clean output',
  },
  // dependencies 15
  {
    id: 'dependencies.declared',
    check: 'dependencies',
    points: 5,
    title:
      'dependencies are declared when files/ ships a package manifest (package.json, requirements.txt, pyproject.toml...)',
    scoring:
      'all or nothing (dependencies.ranges then earns nothing either); full when no package manifest ships',
  },
  {
    id: 'dependencies.ranges',
    check: 'dependencies',
    points: 10,
    title:
      'every dependency has a real version range: valid semver (^1.2.0, >=1.2 <2) or PEP 440 style (>=1.2,<2), not `*`, `x`, `latest` or empty',
    scoring: 'share of dependencies with a real, valid range',
  },
] satisfies QualityRule[])

/**
 * The rule with this id.
 *
 * @example
 * ```ts
 * ruleById('structure.renders').critical // true
 * ```
 */
export function ruleById(id: string): QualityRule {
  const rule = QUALITY_RULES.find((r) => r.id === id)
  if (!rule) throw new Error(`unknown quality rule ${id}`)
  return rule
}

/**
 * The scoring table as Markdown, one table per check: what docs/quality-rules.md
 * holds between its `rules:begin`/`rules:end` markers (a test keeps the two equal).
 *
 * @example
 * ```ts
 * qualityRulesMarkdown().split('\n')[0] // '### Documentation (30 points)'
 * ```
 */
export function qualityRulesMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|')
  return CHECKS.map((check) =>
    [
      `### ${check.title} (${check.weight} points)`,
      '',
      '| rule | points | wants | scoring |',
      '| --- | ---: | --- | --- |',
      ...QUALITY_RULES.filter((r) => r.check === check.id).map(
        (r) =>
          `| \`${r.id}\`${r.critical ? ' (critical)' : ''} | ${r.points} | ${cell(r.title)} | ${cell(r.scoring)} |`,
      ),
    ].join('\n'),
  ).join('\n\n')
}
