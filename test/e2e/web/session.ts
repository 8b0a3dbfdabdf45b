/**
 * What the web catalog's Chromium tests share: a new store with RBAC on, tenant `acme`
 * and its editor `ana`, the built daemon (bin/run.js serve) on it, and a Chromium page
 * that records every script error and console error (each test ends by checking them).
 */
import type {ChildProcess} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'

import type {Browser, BrowserContext, Page} from 'playwright-core'
import {expect} from 'vitest'

import {runBin} from '../../helpers/command.js'
import {exited, startDaemon} from '../../helpers/daemon.js'
import {axeViolations, launch, screenshot} from './browser.js'

/** `ana`'s password (an editor of tenant `acme`). */
export const PASSWORD = 'ana-password-1234'
const SECRET = 'Wq8#pL2!xR9@mK4$wT6^zN8&bH3*cJ5(dF1)gS0-'

export interface WebSession {
  /** A temporary folder for the test's files; the store is under it. */
  work: string
  env: Record<string, string>
  daemon: {child: ChildProcess; url: string}
  browser: Browser
  /** Downloads accepted; relative URLs resolve against the daemon. */
  context: BrowserContext
  page: Page
  /** Script and console errors since the last check; a test takes them with `splice(0)`. */
  errors: string[]
  /** The built CLI on this store. */
  cli: (args: string[], input?: string) => ReturnType<typeof runBin>
  /** Screenshot of the page as it is, then no serious or critical axe-core violation. */
  expectAccessible: (name: string) => Promise<void>
}

export async function openWebSession(prefix: string): Promise<WebSession> {
  const work = mkdtempSync(join(tmpdir(), prefix))
  const env = {
    MAESTRO_HOME: join(work, 'store'),
    XDG_CONFIG_HOME: join(work, 'config'),
    CI: 'true',
    ENABLE_RBAC: 'true',
    SECRET_KEY: SECRET,
    MAESTRO_TOKEN: '',
    MAESTRO_REMOTE: '',
  }
  const cli = (args: string[], input?: string) => runBin(args, env, input)
  expect(cli(['tenant', 'create', 'acme']).status).toBe(0)
  const created = cli(
    ['user', 'create', 'ana', '--role', 'editor', '--tenant', 'acme', '--password-stdin'],
    `${PASSWORD}\n`,
  )
  expect(created.status, created.stderr).toBe(0)
  const daemon = await startDaemon(env)
  const browser = await launch()
  const context = await browser.newContext({acceptDownloads: true, baseURL: daemon.url})
  const page = await context.newPage()
  const errors: string[] = []
  // Script errors and CSP refusals show up here.
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  return {
    work,
    env,
    daemon,
    browser,
    context,
    page,
    errors,
    cli,
    expectAccessible: async (name) => {
      await screenshot(page, name)
      expect(await axeViolations(page), `accessibility of ${name}`).toEqual([])
    },
  }
}

export async function closeWebSession(session: WebSession | undefined): Promise<void> {
  if (!session) return
  await session.browser.close()
  session.daemon.child.kill('SIGTERM')
  await exited(session.daemon.child)
  rmSync(session.work, {recursive: true, force: true})
}

/** Every file under `dir` by its `/`-separated relative path, as text. */
export function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name)
      if (statSync(path).isDirectory()) walk(path)
      else out.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'))
    }
  }
  walk(dir)
  return out
}
