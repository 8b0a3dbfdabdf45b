/**
 * The frame every catalog page shares: head (styles, the one script, the CSRF token for
 * that script), a skip link, the header with sign-in state, and the main landmark.
 */
import {html} from '../html.js'
import type {Html, Part} from '../html.js'
import type {Visitor} from '../session.js'
import {CSRF_FIELD} from '../session.js'

/** Where the catalog's static files are served. */
export const ASSETS = '/ui/assets'

export interface PageOptions {
  title: string
  visitor: Visitor
  /** The path and query of this page, to come back to after signing in. */
  here: string
  body: Part
}

/** A hidden CSRF field for a form. */
export function csrfField(visitor: Visitor): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${visitor.csrf}" />`
}

function account(visitor: Visitor, here: string): Html {
  if (!visitor.canSignIn) return html``
  if (visitor.signedIn) {
    return html`<span class="who"
        >Signed in as <strong>${visitor.context.user}</strong> (${visitor.context.tenant},
        ${visitor.context.role})</span
      >
      <form method="post" action="/signout" class="inline">
        ${csrfField(visitor)}<button type="submit" class="link">Sign out</button>
      </form>`
  }
  return html`<a href="/signin?next=${encodeURIComponent(here)}">Sign in</a>`
}

/** A whole page. */
export function page(opts: PageOptions): string {
  const document = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="csrf-token" content="${opts.visitor.csrf}" />
      <title>${opts.title} · maestro-tpl</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="${ASSETS}/web.css" />
      <script src="${ASSETS}/web.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <nav aria-label="Site">
          <a class="brand" href="/">maestro-tpl</a>
          <a href="/">Catalog</a>
          <a href="/workflows">Workflows</a>
          <a href="/docs">API</a>
        </nav>
        <div class="account">${account(opts.visitor, opts.here)}</div>
      </header>
      <main id="main" tabindex="-1">${opts.body}</main>
    </body>
  </html> `
  return `<!DOCTYPE html>\n${document.toString()}`
}
