/**
 * Git sync on a schedule (MAESTRO_GIT_SYNC_INTERVAL): against a real git smart-HTTP
 * server on loopback. Two schedulers on one store stand for two daemons: each due sync
 * runs once; a failure backs off; the daemon pulls on its own and shows it in /health
 * and /metrics.
 */
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {loadTemplateDir} from '../../../src/domain/template.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import {GitStore, type NamespaceRepo} from '../../../src/store/index.js'
import {syncNamespace, type SyncSummary} from '../../../src/sync/git-sync.js'
import {startGitSyncScheduler} from '../../../src/sync/scheduler.js'
import {LOCAL, tempDir, testConfig, writeTemplate} from '../../helpers/temp.js'
import {startTestServer} from '../server/support.js'
import {startGitHttpServer, type GitHttpServer} from './git-http-server.js'

const LOOPBACK = {allowPrivate: false, allowedHosts: ['127.0.0.1']}
const TOKEN = 'scheduled-git-token'

/** A developer's store that publishes templates and pushes them to `url`. */
async function developer(url: string) {
  const config = testConfig()
  const registry = await openLocalRegistry({config, context: LOCAL})
  const repo = new GitStore(join(config.home, 'git')).repo('local')
  return {
    async publishAndPush(names: string[]) {
      for (const name of names) {
        const dir = await writeTemplate(tempDir(), {name})
        await registry.publish({template: await loadTemplateDir(dir)})
      }
      await syncNamespace(repo, {url, policy: LOOPBACK, auth: {token: TOKEN}})
    },
    close: () => registry.close(),
  }
}

describe('scheduled git sync', () => {
  let gitServer: GitHttpServer
  const savedEnv = {...process.env}
  beforeEach(async () => {
    gitServer = await startGitHttpServer({token: TOKEN})
  })
  afterEach(async () => {
    await gitServer.close()
    process.env = {...savedEnv}
  })

  it('runs each due sync once across two daemons on one store, and backs off after a failure', async () => {
    const url = gitServer.createRepo('team')
    const dev = await developer(url)
    await dev.publishAndPush(['orders-api'])
    const root = tempDir()
    // The namespace's remote is configured by a first manual sync.
    await syncNamespace(new GitStore(root).repo('local'), {url, policy: LOOPBACK, auth: {token: TOKEN}})

    const calls: string[] = []
    let fail = false
    const daemon = (name: string) =>
      startGitSyncScheduler({
        store: new GitStore(root),
        intervalMs: 3_600_000,
        sync: async (repo: NamespaceRepo): Promise<SyncSummary> => {
          calls.push(name)
          if (fail) throw new Error('remote unreachable')
          return syncNamespace(repo, {policy: LOOPBACK, auth: {token: TOKEN}})
        },
      })
    const [a, b] = [daemon('a'), daemon('b')]
    try {
      // Due now (never synced on a schedule): exactly one of the two runs it.
      await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()])
      expect(calls).toHaveLength(1)
      // Not due again within the interval, whichever daemon looks.
      await Promise.all([a.tick(), b.tick()])
      expect(calls).toHaveLength(1)

      // A failing sync is retried after interval × 2^failures, not at the next look.
      const schedulePath = join(root, 'local.git', 'maestro-sync-schedule.json')
      const {writeFile, readFile} = await import('node:fs/promises')
      await writeFile(
        schedulePath,
        JSON.stringify({next_due: new Date(0).toISOString(), consecutive_failures: 0}),
      )
      fail = true
      await a.tick()
      expect(calls).toHaveLength(2)
      const schedule = JSON.parse(await readFile(schedulePath, 'utf8')) as {
        next_due: string
        consecutive_failures: number
      }
      expect(schedule.consecutive_failures).toBe(1)
      expect(Date.parse(schedule.next_due) - Date.now()).toBeGreaterThan(2 * 3_600_000 - 60_000)
      await Promise.all([a.tick(), b.tick()])
      expect(calls).toHaveLength(2)
    } finally {
      await a.stop()
      await b.stop()
      await dev.close()
    }
  })

  it('pulls on its own every MAESTRO_GIT_SYNC_INTERVAL and shows it in /health and /metrics', async () => {
    const url = gitServer.createRepo('team')
    const dev = await developer(url)
    await dev.publishAndPush(['orders-api'])
    process.env.MAESTRO_GIT_TOKEN = TOKEN
    const server = await startTestServer({
      env: {MAESTRO_SYNC_ALLOWED_HOSTS: '127.0.0.1', MAESTRO_GIT_SYNC_INTERVAL: '1'},
    })
    // The remote is configured once, by hand.
    expect((await server.api('/api/v1/admin/git/sync', {json: {remote_url: url}})).status).toBe(200)

    // Then what the developer pushes arrives without anyone asking.
    await dev.publishAndPush(['billing-api'])
    let status = 0
    for (let i = 0; i < 60 && status !== 200; i++) {
      await sleep(250)
      status = (await server.api('/api/v1/templates/billing-api')).status
    }
    expect(status).toBe(200)
    const health = await (await server.api('/health')).json()
    expect(health.git_sync.local).toMatchObject({state: 'ok'})
    const metrics = await (await server.api('/metrics')).text()
    expect(metrics).toMatch(/maestro_git_sync_total\{result="ok"\} [1-9]/)
    await dev.close()
  }, 60_000)
})
