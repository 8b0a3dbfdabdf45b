/**
 * Debian's Chromium driven by playwright-core for the web catalog's end-to-end tests,
 * with axe-core injected into each page and a screenshot of each page kept for CI
 * (test-artifacts/screenshots, git-ignored).
 */
import {mkdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import {join} from 'node:path'

import {chromium} from 'playwright-core'
import type {Browser, Page} from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-artifacts/screenshots', import.meta.url))

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: {target: string[]; failureSummary?: string | undefined}[]
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is
 * now (WCAG 2.1 A and AA rules and best practices). The script is injected through the
 * DevTools protocol, so the page's CSP (no inline script) does not stop it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  // A string, not a function: the tests are compiled without the DOM's types.
  const result = await page.evaluate<{violations: AxeViolation[]}>(
    "axe.run(document, {resultTypes: ['violations']})",
  )
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({...v, nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary}))}))
}

/** Saves a full-page screenshot named after the page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, {recursive: true})
  await page.screenshot({path: join(SCREENSHOTS, `${name}.png`), fullPage: true})
}
