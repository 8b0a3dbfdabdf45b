import {countWords, findSection} from '../markdown.js'
import {README_WORDS_FULL, README_WORDS_HALF} from '../rules.js'
import {outcome, README_FILE, type RuleOutcome, type ScoreContext} from './context.js'

const USAGE_HEADING = /^(usage|getting started|quick ?start|how to use)\b/i
const PARAMETERS_HEADING = /^(parameters|options|variables|inputs)\b/i
const INLINE_COMMAND = /`[^`\n]*\bmaestro-tpl\s+\w[^`\n]*`/

/** documentation (30): README present and substantive. */
export function checkDocumentation(ctx: ScoreContext): RuleOutcome[] {
  const readme = ctx.readme
  if (!readme) {
    return [
      outcome('documentation.readme', 0, [
        {
          message: 'README.md is missing or empty',
          recommendation:
            'add a README.md with a title, what the template makes, a "## Usage" section with the command to instantiate it, and a "## Parameters" section',
          file: README_FILE,
        },
      ]),
      ...[
        'documentation.length',
        'documentation.title',
        'documentation.usage-section',
        'documentation.usage-command',
        'documentation.parameters',
        'documentation.code-blocks',
      ].map((rule) => outcome(rule, 0)),
    ]
  }

  const results: RuleOutcome[] = [outcome('documentation.readme', 1)]

  const words = countWords(readme.prose)
  results.push(
    words >= README_WORDS_FULL
      ? outcome('documentation.length', 1)
      : outcome('documentation.length', words >= README_WORDS_HALF ? 0.5 : 0, [
          {
            message: `README has ${words} words of prose; a substantive README has at least ${README_WORDS_FULL}`,
            recommendation:
              'explain in the README what the template generates, its options and what to do after instantiating it',
            file: README_FILE,
          },
        ]),
  )

  results.push(
    readme.headings.some((h) => h.level === 1)
      ? outcome('documentation.title', 1)
      : outcome('documentation.title', 0, [
          {
            message: 'README has no title',
            recommendation: 'start the README with a "# Title" heading naming the template',
            file: README_FILE,
            line: 1,
          },
        ]),
  )

  const usage = findSection(readme, USAGE_HEADING)
  if (!usage) {
    results.push(
      outcome('documentation.usage-section', 0, [
        {
          message: 'README has no usage section',
          recommendation: `add a "## Usage" section with the command that instantiates the template, e.g. \`maestro-tpl instantiate ${ctx.template.manifest.name} ./out\``,
          file: README_FILE,
        },
      ]),
      outcome('documentation.usage-command', 0),
    )
  } else {
    results.push(outcome('documentation.usage-section', 1))
    const hasCommand =
      usage.codeBlocks.some((b) => b.content.trim() !== '') || INLINE_COMMAND.test(usage.body)
    results.push(
      hasCommand
        ? outcome('documentation.usage-command', 1)
        : outcome('documentation.usage-command', 0, [
            {
              message: `README section "${usage.heading.text}" shows no command`,
              recommendation: `show the command in a code block, e.g. \`maestro-tpl instantiate ${ctx.template.manifest.name} ./out --answers examples/<file>.yaml\``,
              file: README_FILE,
              line: usage.heading.line,
            },
          ]),
    )
  }

  results.push(checkParameterDocs(ctx))

  const blocks = readme.codeBlocks.length
  results.push(
    blocks >= 2
      ? outcome('documentation.code-blocks', 1)
      : outcome('documentation.code-blocks', blocks === 1 ? 0.5 : 0, [
          {
            message: `README has ${blocks === 0 ? 'no fenced code blocks' : 'one fenced code block'}`,
            recommendation: 'show commands and a sample of the generated output in fenced code blocks',
            file: README_FILE,
          },
        ]),
  )
  return results
}

function checkParameterDocs(ctx: ScoreContext): RuleOutcome {
  const names = ctx.template.manifest.parameters.map((p) => p.name)
  if (names.length === 0) return outcome('documentation.parameters', 1)
  const section = findSection(ctx.readme!, PARAMETERS_HEADING)
  if (!section) {
    return outcome('documentation.parameters', 0, [
      {
        message: 'README has no parameters section',
        recommendation: `add a "## Parameters" section describing ${names.join(', ')}`,
        file: README_FILE,
      },
    ])
  }
  // Names are snake_case identifiers, so a word boundary is exact enough ("port" in "port:" or "`port`").
  const missing = names.filter(
    (n) => !new RegExp(`(^|[^A-Za-z0-9_])${n}($|[^A-Za-z0-9_])`).test(section.body),
  )
  if (missing.length === 0) return outcome('documentation.parameters', 1)
  return outcome('documentation.parameters', (names.length - missing.length) / names.length, [
    {
      message: `README "${section.heading.text}" section does not mention ${missing.join(', ')}`,
      recommendation: `describe ${missing.join(', ')} in the README "${section.heading.text}" section`,
      file: README_FILE,
      line: section.heading.line,
    },
  ])
}
