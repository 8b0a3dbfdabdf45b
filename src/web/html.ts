/**
 * HTML built as typed values: every interpolated value is escaped unless it is already
 * {@link Html} (built here, or rendered by the Markdown renderer with raw HTML off). No
 * template text from a template author ever reaches a page unescaped.
 */

/** Markup that is safe to put in a page as is. */
export class Html {
  readonly #text: string
  constructor(text: string) {
    this.#text = text
  }
  toString(): string {
    return this.#text
  }
}

/** What may be interpolated: text (escaped), markup, nothing, or a list of those. */
export type Part = Html | string | number | boolean | null | undefined | readonly Part[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return ''
  if (part instanceof Html) return part.toString()
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('')
  return escapeHtml(String(part))
}

/**
 * The tag for markup: literal parts are kept, interpolated ones escaped.
 *
 * @example
 * ```ts
 * html`<a href="${url}">${name}</a>` // url and name are escaped
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/** Markup from a trusted producer (the Markdown renderer with HTML disabled). */
export function trusted(text: string): Html {
  return new Html(text)
}

/** An attribute present or absent: `<input ${attr('required', p.required)}>`. */
export function attr(name: string, value: string | number | boolean | undefined | null): Html {
  if (value === undefined || value === null || value === false) return new Html('')
  if (value === true) return new Html(` ${name}`)
  return new Html(` ${name}="${escapeHtml(String(value))}"`)
}
