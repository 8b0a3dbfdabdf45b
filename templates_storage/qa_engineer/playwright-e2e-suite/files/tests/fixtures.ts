{%- if include_accessibility -%}
import AxeBuilder from '@axe-core/playwright'
{% endif -%}
import { test as base, expect } from '@playwright/test'
import { HomePage } from './pages/home-page'

interface Fixtures {
  homePage: HomePage
  /** Browser console errors and uncaught exceptions seen during the test. */
  consoleErrors: string[]
{%- if include_accessibility %}
  /** Axe scanner preconfigured for WCAG 2.1 A and AA. */
  makeAxeBuilder: () => AxeBuilder
{%- endif %}
}

/** Import `test` and `expect` from this module in every spec to get the fixtures. */
export const test = base.extend<Fixtures>({
  homePage: async ({ page }, use) => {
    await use(new HomePage(page))
  },

  consoleErrors: async ({ page }, use) => {
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    await use(errors)
  },
{%- if include_accessibility %}

  makeAxeBuilder: async ({ page }, use) => {
    await use(() =>
      new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        // Mark known, tracked issues with data-axe-ignore instead of disabling rules.
        .exclude('[data-axe-ignore]'),
    )
  },
{%- endif %}
})

export { expect }
