/**
 * The web catalog in Chromium, against the built daemon (bin/run.js serve) with RBAC on
 * and the bundled catalog: search and filter, a template's page, the "use this template"
 * form (invalid then valid answers, live `when` conditions, preview, the zip equal to what
 * the CLI writes), sign-in showing a tenant's template and sign-out hiding it. axe-core
 * checks every page; a screenshot of every page is kept for CI.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {unzipSync} from 'fflate'
import type {BrowserContext, Page} from 'playwright-core'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {scaffoldTemplate} from '../../../src/domain/scaffold.js'
import {writeTemplate} from '../../helpers/temp.js'
import {screenshot} from './browser.js'
import {closeWebSession, filesUnder, openWebSession, PASSWORD, type WebSession} from './session.js'

describe('e2e: the web catalog in Chromium', () => {
  let web: WebSession
  let work: string
  let daemon: WebSession['daemon']
  let context: BrowserContext
  let page: Page
  const cli = (args: string[], input?: string) => web.cli(args, input)
  const expectAccessible = (name: string) => web.expectAccessible(name)

  beforeAll(async () => {
    web = await openWebSession('maestro-e2e-web-')
    ;({work, daemon, context, page} = web)
    // A tenant template whose README tries to run script: it must show as text.
    const readme = new TextDecoder().decode(
      scaffoldTemplate({name: 'acme-billing', category: 'backend_developer'}).get('README.md'),
    )
    const folder = await writeTemplate(join(work, 'acme-billing'), {
      name: 'acme-billing',
      files: {
        'README.md': `${readme}\n<script>window.pwned = 1</script>\n\n<img src="x" onerror="window.pwned = 2">\n\n[click](javascript:window.pwned=3)\n`,
      },
    })
    expect(
      cli(['login', '--remote', daemon.url, '--username', 'ana', '--password-stdin'], `${PASSWORD}\n`).status,
    ).toBe(0)
    const published = cli(['create', folder, '--remote', daemon.url])
    expect(published.status, published.stderr).toBe(0)
    expect(cli(['logout', '--remote', daemon.url]).status).toBe(0)
  }, 180_000)

  afterEach(() => {
    // The pages the tests open on purpose (not found, a wrong password, refused answers) log their status; anything else is a fault.
    const errors = web.errors.splice(0)
    expect(errors.filter((e) => !/server responded with a status of (401|404|422)\b/.test(e))).toEqual([])
  })

  afterAll(() => closeWebSession(web))

  it('lists the public catalog, searches as you type and filters, with counts per category', async () => {
    const response = await page.goto('/')
    expect(response!.status()).toBe(200)
    expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self'/)
    expect(response!.headers()['content-security-policy']).not.toMatch(/unsafe-inline/)
    await expect.poll(() => page.locator('.cards > li').count()).toBeGreaterThan(5)
    const all = await page.locator('.cards > li').count()
    // Anonymous: the tenant's template is not there.
    expect(await page.locator('.cards').textContent()).not.toContain('acme-billing')
    await expect.poll(() => page.locator('nav.categories li').count()).toBeGreaterThan(3)
    await expectAccessible('catalog')

    await page.locator('#q').pressSequentially('fastapi', {delay: 20})
    await expect.poll(() => page.locator('.cards > li').count()).toBeLessThan(all)
    await expect.poll(() => page.url()).toContain('q=fastapi')
    expect(await page.locator('.cards h3').allTextContents()).toContain('fastapi-service')
    expect(await page.locator('#result-count').textContent()).toMatch(/\d+ templates?/)

    await page.locator('#q').fill('')
    await page.locator('#category').selectOption('frontend_developer')
    await expect.poll(() => page.url()).toContain('category=frontend_developer')
    await expect
      .poll(async () => (await page.locator('.cards h3').allTextContents()).join(','))
      .toBe('react-vite-app')
    await page.locator('#category').selectOption('')
    await page.locator('#min_score').fill('100')
    await expect.poll(() => page.url()).toContain('min_score=100')
    const scores = await page.locator('.cards .score').allTextContents()
    for (const s of scores) expect(s).toBe('score 100')
    await page.locator('#min_score').fill('')
    await page.locator('#sort').selectOption('name')
    await expect.poll(() => page.url()).toContain('sort=name')
    const names = await page.locator('.cards h3').allTextContents()
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
    await screenshot(page, 'catalog-filtered')
  })

  it('is usable with the keyboard alone: skip link, search, open a result', async () => {
    await page.goto('/')
    const focused = () =>
      page.evaluate(
        'document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())',
      )
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('Skip to content')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.url()).toMatch(/#main$/)
    for (let i = 0; i < 10 && (await focused()) !== 'q'; i++) await page.keyboard.press('Tab')
    expect(await focused()).toBe('q')
    await page.keyboard.type('react')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.url()).toContain('q=react')
    await expect.poll(() => page.locator('.cards h3').allTextContents()).toContain('react-vite-app')
    await page.locator('.cards h3 a', {hasText: 'react-vite-app'}).focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.locator('h1').textContent()).toContain('react-vite-app')
  })

  it('shows a template: README, parameters, versions, quality checks, files with a code view, commands', async () => {
    await page.goto('/?q=fastapi')
    await page.getByRole('link', {name: 'fastapi-service', exact: true}).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('fastapi-service')
    expect(await page.locator('.readme h3').count()).toBeGreaterThan(0)
    expect(await page.locator('#parameters + .scroll tbody tr').count()).toBeGreaterThan(3)
    expect(await page.locator('.versions li').first().textContent()).toMatch(/1\.0\.0\s+\d{4}-\d\d-\d\d/)
    expect(await page.locator('.checks > li').count()).toBe(5)
    expect(await page.locator('.score-line').textContent()).toMatch(/Score \d+ \/ 100/)
    expect(await page.locator('pre.cmd').first().textContent()).toContain(
      'maestro-tpl instantiate fastapi-service@1.0.0',
    )
    expect(await page.locator('pre.cmd').nth(1).textContent()).toMatch(/curl -fsS -X POST .*\/instantiate/)
    await page.locator('.tree').getByRole('link', {name: 'manifest.yaml'}).click()
    await expect.poll(() => page.locator('#code').textContent()).toBe('manifest.yaml')
    expect(await page.locator('.code').textContent()).toContain('name: fastapi-service')
    await expectAccessible('template')
  })

  it('signs in, shows the tenant template with its README as text, and signs out', async () => {
    await page.goto('/')
    await page.getByRole('link', {name: 'Sign in'}).click()
    await page.locator('#username').fill('ana')
    await page.locator('#password').fill('wrong-password-123')
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect.poll(() => page.locator('[role=alert]').textContent()).toMatch(/wrong username or password/)
    await expectAccessible('signin-error')
    await page.locator('#password').fill(PASSWORD)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect.poll(() => page.locator('.who').textContent()).toMatch(/ana\s*\(acme,\s*editor\)/)
    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === 'maestro_session')!
    expect(session.httpOnly).toBe(true)
    expect(session.sameSite).toBe('Lax')
    expect(cookies.find((c) => c.name === 'maestro_csrf')!.sameSite).toBe('Strict')

    await page.locator('#q').pressSequentially('acme', {delay: 20})
    await expect.poll(() => page.locator('.cards h3').allTextContents()).toContain('acme-billing')
    await page.getByRole('link', {name: 'acme-billing'}).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('acme-billing')
    expect(await page.locator('.readme').textContent()).toContain('<script>window.pwned = 1</script>')
    expect(await page.locator('.readme script, .readme img').count()).toBe(0)
    expect(await page.locator('.readme a[href^="javascript"]').count()).toBe(0)
    expect(await page.evaluate('window.pwned')).toBeUndefined()
    await expectAccessible('tenant-template')

    await page.getByRole('button', {name: 'Sign out'}).click()
    await expect.poll(() => page.getByRole('link', {name: 'Sign in'}).count()).toBe(1)
    expect(await page.locator('.cards').textContent()).not.toContain('acme-billing')
    const hidden = await page.goto('/templates/acme/acme-billing')
    expect(hidden!.status()).toBe(404)
    await expectAccessible('not-found')
  })

  it('fills the form: invalid then valid answers, live conditions, preview, and a zip equal to the CLI output', async () => {
    await page.goto('/signin?next=/templates/public/fastapi-service/use')
    await page.locator('#username').fill('ana')
    await page.locator('#password').fill(PASSWORD)
    await page.getByRole('button', {name: 'Sign in'}).click()
    await expect.poll(() => page.url()).toContain('/templates/public/fastapi-service/use')
    await expectAccessible('use-form')

    // `db_pool_size` is shown only when database is postgres.
    const pool = page.locator('[data-param="db_pool_size"]')
    expect(await pool.isHidden()).toBe(true)
    await page.locator('#p-database').selectOption('postgres')
    await expect.poll(() => pool.isVisible()).toBe(true)

    // An invalid answer is refused in the page, and the form is not sent.
    await page.locator('#p-project_name').fill('Billing API!')
    await expect.poll(() => page.locator('#p-project_name-error').textContent()).toMatch(/does not match/)
    expect(await page.locator('#p-project_name').getAttribute('aria-invalid')).toBe('true')
    await page.getByRole('button', {name: 'Preview files'}).click()
    // package_name's default is rendered from project_name, so it may be wrong too.
    await expect.poll(() => page.locator('#form-status').textContent()).toMatch(/answers? needs? fixing/)
    expect(await page.locator('#preview').count()).toBe(0)
    await expectAccessible('use-form-invalid')

    // The server checks again: the same answer sent without the page's script.
    await page.evaluate(`{
      const form = document.querySelector('form[data-use-form]')
      const action = document.createElement('input')
      action.type = 'hidden'
      action.name = '__action'
      action.value = 'preview'
      form.append(action)
      HTMLFormElement.prototype.submit.call(form)
    }`)
    await expect.poll(() => page.locator('[role=alert]').textContent()).toMatch(/need fixing/)
    expect(await page.locator('#p-project_name-error').textContent()).toMatch(
      /project_name .* does not match/,
    )

    await page.locator('#p-project_name').fill('billing-api')
    await page.locator('#p-db_pool_size').fill('25')
    await expect.poll(() => page.locator('#p-project_name-error').isHidden()).toBe(true)
    // The package name's default follows the project name, as the CLI would render it.
    await expect.poll(() => page.locator('#p-package_name').getAttribute('placeholder')).toBe('billing_api')
    const share = await page.locator('#share-link').getAttribute('href')
    expect(share).toContain('project_name=billing-api')
    expect(share).toContain('database=postgres')
    expect(share).toContain('use_docker=true')
    expect(share).not.toContain('use_docker=false')

    await page.getByRole('button', {name: 'Preview files'}).click()
    await expect.poll(() => page.locator('#preview-title').textContent()).toMatch(/Preview: \d+ files/)
    const previewed = await page.locator('.preview-files summary').allTextContents()
    expect(previewed.some((s) => s.startsWith('src/billing_api/'))).toBe(true)
    expect(previewed.some((s) => s.startsWith('docker-compose.yml'))).toBe(true)
    await expectAccessible('use-preview')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', {name: 'Download .zip'}).click(),
    ])
    expect(download.suggestedFilename()).toBe('fastapi-service.zip')
    const zipped = unzipSync(new Uint8Array(readFileSync(await download.path())))
    const fromWeb = new Map<string, string>()
    for (const [path, bytes] of Object.entries(zipped)) {
      if (!path.endsWith('/'))
        fromWeb.set(path.replace(/^fastapi-service\//, ''), new TextDecoder().decode(bytes))
    }

    const out = join(work, 'cli-out')
    const rendered = cli([
      'instantiate',
      'fastapi-service',
      out,
      '--set',
      'project_name=billing-api',
      '--set',
      'database=postgres',
      '--set',
      'db_pool_size=25',
      '--defaults',
    ])
    expect(rendered.status, rendered.stderr).toBe(0)
    const fromCli = filesUnder(out)
    expect([...fromWeb.keys()].sort()).toEqual([...fromCli.keys()].sort())
    for (const [path, text] of fromCli) expect(fromWeb.get(path), path).toBe(text)

    // The shared link opens the form with the same answers.
    await page.goto(share!)
    expect(await page.locator('#p-project_name').inputValue()).toBe('billing-api')
    expect(await pool.isVisible()).toBe(true)
  }, 120_000)

  it('shows on the cards how often a template was used', async () => {
    await expect
      .poll(
        async () => {
          await page.goto('/?q=fastapi')
          return page.locator('.card', {hasText: 'fastapi-service'}).first().textContent()
        },
        {timeout: 15_000},
      )
      .toMatch(/[1-9]\d* uses?/)
  })

  it('refuses a form post without its CSRF token', async () => {
    const response = await fetch(`${daemon.url}/signin`, {
      method: 'POST',
      headers: {'Content-Type': 'application/x-www-form-urlencoded'},
      body: 'username=ana&password=x',
      redirect: 'manual',
    })
    expect(response.status).toBe(403)
    expect(await response.text()).toMatch(/did not come from this site/)
  })
})
