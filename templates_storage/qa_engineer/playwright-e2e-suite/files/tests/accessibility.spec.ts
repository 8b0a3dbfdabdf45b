import { expect, test } from './fixtures'

/** Pages scanned for WCAG 2.1 A/AA violations. Add the key journeys of your app. */
const PAGES = ['/']

for (const path of PAGES) {
  test(`no accessibility violations on ${path}`, async ({ page, makeAxeBuilder }) => {
    await page.goto(path)
    const results = await makeAxeBuilder().analyze()

    const summary = results.violations.map(
      (violation) =>
        `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} - ${violation.nodes.length} element(s)`,
    )
    expect(summary).toEqual([])
  })
}
