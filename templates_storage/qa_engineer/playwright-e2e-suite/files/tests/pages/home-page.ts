import type { Locator, Page } from '@playwright/test'

/**
 * Page object for the landing page. Page objects keep selectors in one place, so a markup
 * change means one edit instead of one per test. Prefer role- and label-based locators:
 * they follow what users see and double as accessibility checks.
 */
export class HomePage {
  readonly page: Page
  readonly main: Locator
  readonly heading: Locator

  constructor(page: Page) {
    this.page = page
    this.main = page.getByRole('main')
    this.heading = page.getByRole('heading', { level: 1 })
  }

  async goto() {
    return this.page.goto('/')
  }

  /** Unique same-origin link targets on the page, without fragments. */
  async sameOriginLinks(): Promise<string[]> {
    const origin = new URL(this.page.url()).origin
    const hrefs = await this.page
      .locator('a[href]')
      .evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href))
    const targets = hrefs
      .filter((href) => href.startsWith(origin))
      .map((href) => href.split('#')[0] ?? href)
    return [...new Set(targets)]
  }
}
