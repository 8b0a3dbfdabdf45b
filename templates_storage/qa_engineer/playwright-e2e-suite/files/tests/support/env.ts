/** Settings shared by the Playwright config and the tests, read from the environment. */

// Load .env when present (Node.js 20.12+); CI provides real environment variables.
try {
  process.loadEnvFile()
} catch {
  // no .env file: use the environment as it is
}

export const BASE_URL = process.env.BASE_URL ?? '{{ base_url }}'
{%- if use_auth_setup %}

/** Where the setup project saves the signed-in browser state. */
export const STORAGE_STATE = 'playwright/.auth/user.json'

export const LOGIN_PATH = process.env.E2E_LOGIN_PATH ?? '/login'
export const ACCOUNT_PATH = process.env.E2E_ACCOUNT_PATH ?? '/account'
{%- endif %}
