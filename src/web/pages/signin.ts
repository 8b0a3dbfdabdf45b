/** The sign-in form: the daemon's own users, as `maestro-tpl login` signs in. */
import {attr, html} from '../html.js'
import type {Html} from '../html.js'
import type {Visitor} from '../session.js'
import {csrfField} from './layout.js'

export function signinBody(
  visitor: Visitor,
  opts: {next: string; username: string; tenant: string; error?: string},
): Html {
  return html`<h1>Sign in</h1>
    ${opts.error ? html`<div class="alert" role="alert" id="signin-error">${opts.error}</div>` : ''}
    <form method="post" action="/signin" class="signin">
      ${csrfField(visitor)}
      <input type="hidden" name="next" value="${opts.next}" />
      <div class="field">
        <label for="username">Username</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          required
          value="${opts.username}"
          ${attr('aria-describedby', opts.error ? 'signin-error' : undefined)}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </div>
      <div class="field">
        <label for="tenant">Tenant <span class="muted">(only if you belong to several)</span></label>
        <input id="tenant" name="tenant" autocomplete="organization" value="${opts.tenant}" />
      </div>
      <div class="buttons"><button type="submit" class="primary">Sign in</button></div>
    </form>`
}

/** A page for a problem (not found, not allowed). */
export function problemBody(title: string, message: string, signIn?: string): Html {
  return html`<h1>${title}</h1>
    <p>${message}</p>
    ${signIn ? html`<p><a class="button primary" href="${signIn}">Sign in</a></p>` : ''}
    <p><a href="/">Back to the catalog</a></p>`
}
