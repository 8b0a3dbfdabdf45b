/**
 * Which templates the CLI may render in its own thread instead of its render worker.
 *
 * The worker exists for RENDER_TIMEOUT_MS and RENDER_MAX_HEAP_MB: a template that loops
 * or allocates without end is stopped there instead of holding the terminal. Starting
 * that worker (a second Node.js bootstrap, and the renderer compiled again in it) is most
 * of what a small `instantiate` costs over rendering itself. Some templates cannot loop
 * nor allocate without end, and those need no worker: a template is *bounded* when
 *
 * - its text under files/ is at most `maxTextBytes` in all (the caller's bound on the
 *   time parsing and rendering it may take);
 * - its Liquid (file bodies, file names, `files[].when` rules) uses only the tags that
 *   choose between branches (`if`, `elsif`, `else`, `unless`, `case`, `when`) and comments
 *   and `raw`: no `for`, `tablerow`, `cycle`, no partials (`include`, `render`, `layout`,
 *   which can include themselves), no `assign`, `capture`, `echo`, `liquid`, `increment`,
 *   so no value is built up across expressions;
 * - each output's filters are among {@link BOUNDED_FILTERS}, whose result is at most a
 *   few times their input and arguments (no `split`, `join`, `replace`, `map`...), and
 *   no tag's condition has filters;
 * - no expression holds a range (`(1..n)`, which allocates an array of n slots).
 *
 * Then every expression runs once, its result is bounded by the length of the
 * expression and of the answers, and the whole render is linear in the template's text:
 * it cannot run into the time or heap limit. The render in this thread still has
 * LiquidJS's own limits and the render deadline (render.ts), and everything else goes to
 * the worker as before. The check is conservative: a bounded template that it cannot
 * prove bounded is only rendered more slowly.
 */
import {Tokenizer, TokenKind} from 'liquidjs'
import type {Liquid, Template, TagToken, Token} from 'liquidjs'

import {isBinary} from '../domain/paths.js'
import type {LoadedTemplate} from '../domain/types.js'
import {EXTRA_FILTERS, createLiquid} from './liquid.js'

/** Tags that only choose what to output, and comments. */
const BOUNDED_TAGS: ReadonlySet<string> = new Set([
  'if',
  'elsif',
  'else',
  'endif',
  'unless',
  'endunless',
  'case',
  'when',
  'endcase',
  'comment',
  'endcomment',
  '#',
  'raw',
  'endraw',
])

/**
 * Filters whose result is at most a few times the size of their input and arguments, in
 * time linear in them: case and whitespace, append/prepend, removing, one replacement,
 * truncating, escaping, numbers, `default`, `size`, `json`, and maestro-tpl's own
 * (slugify, snake_case...). Applied a bounded number of times (no loops), they cannot
 * grow a value without end.
 */
export const BOUNDED_FILTERS: ReadonlySet<string> = new Set([
  'upcase',
  'downcase',
  'capitalize',
  'strip',
  'lstrip',
  'rstrip',
  'strip_newlines',
  'squish',
  'normalize_whitespace',
  'append',
  'prepend',
  'remove',
  'remove_first',
  'remove_last',
  'replace_first',
  'replace_last',
  'truncate',
  'truncatewords',
  'escape',
  'escape_once',
  'xml_escape',
  'url_encode',
  'url_decode',
  'cgi_escape',
  'uri_escape',
  'default',
  'size',
  'json',
  'jsonify',
  'abs',
  'at_least',
  'at_most',
  'ceil',
  'floor',
  'round',
  'plus',
  'minus',
  'times',
  'divided_by',
  'modulo',
  ...Object.keys(EXTRA_FILTERS),
])

const hasLiquid = (text: string): boolean => text.includes('{{') || text.includes('{%')

/** Whether an output's expression (or a `when` rule) is free of ranges and unbounded filters. */
function boundedExpression(liquid: Liquid, expression: string): boolean {
  if (expression.includes('..')) return false
  const value = new Tokenizer(expression, liquid.options.operators).readFilteredValue()
  return value.filters.every((filter) => BOUNDED_FILTERS.has(filter.name))
}

function boundedToken(liquid: Liquid, token: Token): boolean {
  if (token.kind === TokenKind.HTML) return true
  if (token.kind === TokenKind.Output)
    return boundedExpression(liquid, (token as Token & {content: string}).content)
  if (token.kind !== TokenKind.Tag) return false
  const tag = token as TagToken
  // Conditions hold no filters and no ranges ('|' and '..' in a quoted string too: it is only slower).
  return BOUNDED_TAGS.has(tag.name) && !tag.args.includes('|') && !tag.args.includes('..')
}

/**
 * Parses `text` and returns its templates if every token is bounded, else undefined.
 * The tokens are parsed once: the caller renders the templates it gets.
 */
function parseBounded(liquid: Liquid, text: string): Template[] | undefined {
  const tokens = new Tokenizer(text, liquid.options.operators).readTopLevelTokens(liquid.options)
  if (!tokens.every((token) => boundedToken(liquid, token))) return undefined
  return liquid.parser.parseTokens(tokens)
}

/**
 * When `template` is bounded (see above), its parsed Liquid by source text (file bodies
 * and the file names' segments), for renderTemplate's `parsed`; else undefined. Any
 * template that fails to tokenize or parse is "not bounded": the worker reports its error
 * as it always has.
 *
 * @example
 * ```ts
 * const parsed = boundedTemplate(template, 1024 * 1024)
 * const files = parsed ? await renderTemplate(template, answers, meta, {parsed}) : await pool.instantiate(job)
 * ```
 */
export function boundedTemplate(
  template: LoadedTemplate,
  maxTextBytes: number,
): Map<string, Template[]> | undefined {
  try {
    let bytes = 0
    const texts: string[] = []
    const decoder = new TextDecoder('utf-8', {ignoreBOM: true})
    for (const [path, body] of template.files) {
      if (!path.startsWith('files/')) continue
      for (const segment of path.slice('files/'.length).split('/'))
        if (hasLiquid(segment)) texts.push(segment)
      if (isBinary(body)) continue
      bytes += body.byteLength
      if (bytes > maxTextBytes) return undefined
      const text = decoder.decode(body)
      if (hasLiquid(text)) texts.push(text)
    }
    const liquid = createLiquid()
    for (const rule of template.manifest.files)
      if (rule.when !== undefined && !boundedExpression(liquid, rule.when)) return undefined
    const parsed = new Map<string, Template[]>()
    for (const text of texts) {
      if (parsed.has(text)) continue
      const templates = parseBounded(liquid, text)
      if (templates === undefined) return undefined
      parsed.set(text, templates)
    }
    return parsed
  } catch {
    return undefined
  }
}
