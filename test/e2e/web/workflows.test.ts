/**
 * Workflows in the web catalog, in Chromium, against the built daemon (bin/run.js serve)
 * with RBAC on: anonymous visitors are sent to sign in (as the API answers them 401), the
 * list and a workflow's page, the run form (an invalid then a valid answer, a dry run),
 * an execution followed live over server-sent events until every step has succeeded
 * (without a reload), and the result downloaded and compared with the CLI's run. axe-core
 * checks every page; a screenshot of every page is kept for CI.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {unzipSync} from 'fflate'
import type {BrowserContext, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {closeWebSession, filesUnder, openWebSession, PASSWORD, type WebSession} from './session.js'

const SERVICES = 12

/** A workflow long enough (a dozen template steps) that its execution page opens while it runs. */
function writeFleetWorkflow(dir: string): void {
  mkdirSync(join(dir, 'examples'), {recursive: true})
  const steps = Array.from(
    {length: SERVICES},
    (_, i) => `  - id: service_${i + 1}
    name: Service ${i + 1}
    uses: template
    with:
      template: fastapi-service@^1
      path: services/{{ parameters.service_name }}-${i + 1}
      answers:
        project_name: '{{ parameters.service_name }}-${i + 1}'
        database: '{{ parameters.database }}'`,
  )
  writeFileSync(
    join(dir, 'workflow.yaml'),
    `name: fleet-of-services
version: 1.0.0
description: A fleet of FastAPI services with an overview, one project.
author: Acme
license: MIT
tags: [python, fastapi, fleet]
parameters:
  - name: service_name
    type: string
    description: Base name of the services, lowercase with dashes
    pattern: '^[a-z][a-z0-9-]*[a-z0-9]$'
    default: fleet
  - name: database
    type: choice
    description: Persistence for every service
    choices: [postgres, sqlite, none]
    default: none
  - name: with_overview
    type: boolean
    description: Write an OVERVIEW.md
    default: true
steps:
${steps.join('\n')}
  - id: overview
    name: Overview
    if: parameters.with_overview
    uses: file
    with:
      path: OVERVIEW.md
      content: |
        # {{ parameters.service_name }}

        ${SERVICES} services, database {{ parameters.database }}.
outputs:
  services: '${SERVICES}'
`,
  )
  writeFileSync(
    join(dir, 'README.md'),
    '# fleet-of-services\n\nTwelve FastAPI services in one project, and an overview.\n\n## Parameters\n\n- `service_name`: base name\n- `database`: persistence\n- `with_overview`: write OVERVIEW.md\n\n## Usage\n\n```sh\nmaestro-tpl workflow run fleet-of-services ./fleet --set service_name=billing\n```\n',
  )
  writeFileSync(join(dir, 'examples', 'default.yaml'), 'service_name: billing\ndatabase: sqlite\n')
}

describe('e2e: workflows in the web catalog, in Chromium', () => {
  let web: WebSession
  let work: string
  let daemon: WebSession['daemon']
  let context: BrowserContext
  let page: Page
  const cli = (args: string[], input?: string) => web.cli(args, input)
  const expectAccessible = (name: string) => web.expectAccessible(name)

  beforeAll(async () => {
    web = await openWebSession('maestro-e2e-web-wf-')
    ;({work, daemon, context, page} = web)
    const folder = join(work, 'fleet-of-services')
    writeFleetWorkflow(folder)
    expect(
      cli(['login', '--remote', daemon.url, '--username', 'ana', '--password-stdin'], `${PASSWORD}\n`).status,
    ).toBe(0)
    const published = cli(['workflow', 'create', folder, '--remote', daemon.url])
    expect(published.status, published.stderr).toBe(0)
  }, 180_000)

  afterEach(() => {
    // The pages opened on purpose (sign in first, refused answers) log their status; anything else is a fault.
    const errors = web.errors.splice(0)
    expect(errors.filter((e) => !/server responded with a status of (401|422)\b/.test(e))).toEqual([])
  })

  afterAll(() => closeWebSession(web))

  it('sends an anonymous visitor to sign in, as the API answers 401, and comes back to the workflows', async () => {
    const api = await fetch(`${daemon.url}/api/v1/workflows`)
    expect(api.status).toBe(401)
    const response = await page.goto('/workflows')
    expect(response!.status()).toBe(401)
    expect(await page.locator('main').textContent()).toMatch(/sign in first/)
    await expectAccessible('workflows-anonymous')
    await page.locator('main').getByRole('link', {name: 'Sign in'}).click()
    await page.locator('#username').fill('ana')
    await page.locator('#password').fill(PASSWORD)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect.poll(() => page.url()).toMatch(/\/workflows$/)
    const names = await page.locator('.cards h3').allTextContents()
    expect(names).toContain('fleet-of-services')
    expect(names).toContain('python-service')
    await expectAccessible('workflows')
  }, 60_000)

  it('shows a workflow: README, parameters, steps and the commands to run it', async () => {
    await page.goto('/workflows')
    await page.getByRole('link', {name: 'fleet-of-services'}).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('fleet-of-services')
    expect(await page.locator('.readme h3').count()).toBeGreaterThan(0)
    expect(await page.locator('#parameters + .scroll tbody tr').count()).toBe(3)
    expect(await page.locator('ol.steps > li').count()).toBe(SERVICES + 1)
    expect(await page.locator('ol.steps > li').last().textContent()).toMatch(
      /only when\s+parameters\.with_overview/,
    )
    expect(await page.locator('pre.cmd').first().textContent()).toContain(
      'maestro-tpl workflow run acme/fleet-of-services@1.0.0',
    )
    expect(await page.locator('pre.cmd').nth(1).textContent()).toMatch(/curl -fsS -X POST .*\/execute/)
    await expectAccessible('workflow')
  }, 60_000)

  it('runs it: an invalid then a valid answer, a dry run, then the steps succeed live and the result downloads', async () => {
    await page.goto('/workflows/acme/fleet-of-services')
    await page.getByRole('link', {name: 'Run this workflow'}).first().click()
    await expect.poll(() => page.url()).toMatch(/\/workflows\/acme\/fleet-of-services\/run$/)
    await expectAccessible('workflow-run')

    await page.locator('#p-service_name').fill('Billing!')
    await expect.poll(() => page.locator('#p-service_name-error').textContent()).toMatch(/does not match/)
    await page.getByRole('button', {name: 'Dry run'}).click()
    await expect.poll(() => page.locator('#form-status').textContent()).toMatch(/1 answer needs fixing/)
    expect(await page.locator('#preview').count()).toBe(0)

    await page.locator('#p-service_name').fill('billing')
    await page.locator('#p-database').selectOption('sqlite')
    await expect.poll(() => page.locator('#p-service_name-error').isHidden()).toBe(true)
    expect(await page.locator('#share-link').getAttribute('href')).toBe(
      '/workflows/acme/fleet-of-services/run?service_name=billing&database=sqlite&with_overview=true',
    )
    await page.getByRole('button', {name: 'Dry run'}).click()
    await expect
      .poll(() => page.locator('#preview-title').textContent())
      .toMatch(/Dry run: succeeded, \d+ files/)
    const previewed = await page.locator('.preview-files summary').allTextContents()
    expect(previewed.some((s) => s.startsWith('OVERVIEW.md'))).toBe(true)
    expect(previewed.some((s) => s.startsWith(`services/billing-${SERVICES}/`))).toBe(true)
    await expectAccessible('workflow-dry-run')

    // Run: the execution page as the server first sends it, then as the events move it on.
    const [first] = await Promise.all([
      page.waitForResponse((r) => /\/executions\/[0-9a-f-]{36}$/.test(r.url()) && r.status() === 200),
      page.getByRole('button', {name: 'Run', exact: true}).click(),
    ])
    const initial = await first.text()
    // Opened while it runs (a dozen renders take seconds): what follows comes from the event stream.
    expect(initial).toMatch(/id="exec-state" role="status" data-state="(queued|running)"/)
    expect(initial).toMatch(/class="state" data-state="(pending|running)"/)
    await page.evaluate('window.notReloaded = true')
    await expect.poll(() => page.locator('#exec-state').textContent(), {timeout: 60_000}).toBe('succeeded')
    expect(await page.evaluate('window.notReloaded')).toBe(true)
    const states = await page.locator('.exec-steps .state').allTextContents()
    expect(states).toEqual(Array.from({length: SERVICES + 1}, () => 'succeeded'))
    expect(await page.locator('.exec-steps .logs li').count()).toBeGreaterThanOrEqual(SERVICES)
    expect(await page.locator('.exec-steps .logs li').first().textContent()).toMatch(
      /rendered fastapi-service@1\.0\.0 into services\/billing-1/,
    )
    expect(await page.locator('#result').isVisible()).toBe(true)
    expect(await page.title()).toMatch(/succeeded/)
    await expectAccessible('execution')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', {name: 'Download .zip'}).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^fleet-of-services-[0-9a-f]{8}\.zip$/)
    const zipped = unzipSync(new Uint8Array(readFileSync(await download.path())))
    const fromWeb = new Map<string, string>()
    for (const [path, bytes] of Object.entries(zipped))
      if (!path.endsWith('/'))
        fromWeb.set(path.replace(/^fleet-of-services\//, ''), new TextDecoder().decode(bytes))
    expect(fromWeb.get('OVERVIEW.md')).toBe(`# billing\n\n${SERVICES} services, database sqlite.\n`)

    // The same answers through the CLI: the same files.
    const out = join(work, 'cli-out')
    const ran = cli([
      'workflow',
      'run',
      'acme/fleet-of-services',
      out,
      '--remote',
      daemon.url,
      '--set',
      'service_name=billing',
      '--set',
      'database=sqlite',
      '--defaults',
    ])
    expect(ran.status, ran.stderr).toBe(0)
    const fromCli = filesUnder(out)
    expect([...fromWeb.keys()].sort()).toEqual([...fromCli.keys()].sort())
    for (const [path, text] of fromCli) expect(fromWeb.get(path), path).toBe(text)

    const tarball = await context.request.get(`${new URL(page.url()).pathname}/result?format=tar.gz`)
    expect(tarball.status()).toBe(200)
    expect(tarball.headers()['content-type']).toBe('application/gzip')

    // Signed out, the execution is not there any more.
    await page.getByRole('button', {name: 'Sign out'}).click()
    await expect.poll(() => page.getByRole('link', {name: 'Sign in'}).count()).toBeGreaterThan(0)
    const after = await context.request.get(`${new URL(download.url()).pathname}`)
    expect(after.status()).toBe(401)
  }, 180_000)
})
