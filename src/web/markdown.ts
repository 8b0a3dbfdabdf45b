/**
 * README rendering for the catalog: CommonMark by markdown-it with raw HTML off, so a
 * README's `<script>` or `<img onerror>` shows as text; its link check refuses
 * `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs. External links open
 * without a referrer or an opener. Headings move two levels down, under the page's own.
 */
import MarkdownIt from 'markdown-it'

import {trusted} from './html.js'
import type {Html} from './html.js'

let renderer: MarkdownIt | undefined

function markdown(): MarkdownIt {
  if (renderer) return renderer
  const md = new MarkdownIt({html: false, linkify: true, typographer: false})
  const defaultLinkOpen =
    md.renderer.rules.link_open ??
    ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options))
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!
    if (/^[a-z][a-z0-9+.-]*:/i.test(token.attrGet('href') ?? '')) {
      token.attrSet('rel', 'nofollow noopener noreferrer')
    }
    return defaultLinkOpen(tokens, idx, options, env, self)
  }
  // The README sits under the page's own h1 and its "README" h2: its headings go two levels down.
  const level = (tag: string) => `h${Math.min(6, Number(tag.slice(1)) + 2)}`
  md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
    tokens[idx]!.tag = level(tokens[idx]!.tag)
    return self.renderToken(tokens, idx, options)
  }
  md.renderer.rules.heading_close = (tokens, idx, options, _env, self) => {
    tokens[idx]!.tag = level(tokens[idx]!.tag)
    return self.renderToken(tokens, idx, options)
  }
  return (renderer = md)
}

/**
 * A README as safe markup.
 *
 * @example
 * ```ts
 * renderMarkdown('# Title\n<script>alert(1)</script>') // <h1>Title</h1><p>&lt;script&gt;...
 * ```
 */
export function renderMarkdown(text: string): Html {
  return trusted(markdown().render(text))
}
