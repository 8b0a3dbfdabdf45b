/**
 * The load-and-fault run of issue 22 (`npm run soak`): three built daemons
 * (`node bin/run.js serve`) on one store (one MAESTRO_HOME), one PostgreSQL schema of
 * their own and one redis-server of their own, all on loopback. Concurrent publishes
 * and reads go to all three while one daemon is killed (SIGKILL) and restarted, Redis is
 * stalled (SIGSTOP) and later killed and restarted. Then it checks what must hold:
 *
 * - every publish answered 2xx is served by every daemon, at its commit, and is in git;
 * - the index equals git (the templates every daemon lists = the folders in git's head);
 * - `git fsck --strict` is clean;
 * - no 5xx other than 503, and 503 only during a fault (and shortly after);
 * - resident memory of each daemon serving at the end within 20% (+ a small slack) of its
 *   level after warm-up: the median over the last sixth of its life against the median
 *   over the second sixth, after the first third (V8 grows its heap for ~100 s).
 *
 * and prints the figures (throughput, p50/p99, answers by status, RSS over time).
 *
 * ```sh
 * npm run soak                                  # short: 100 publishes, 2,000 reads
 * SOAK_FULL=1 npm run soak                      # the issue's size: 1,000 publishes, 50,000 reads, 20 s stall
 * SOAK_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npm run soak
 * ```
 * Env: SOAK_FULL, SOAK_PUBLISHES, SOAK_READS, SOAK_PUBLISH_CONCURRENCY (20; full: 1000, every
 * publish at once), SOAK_READ_CONCURRENCY (32), SOAK_PUBLISH_TIMEOUT_MS (120000: how long a publishing
 * client waits for its answer), SOAK_STALL_MS, SOAK_PORT_BASE (18530:
 * daemons on P..P+2, redis-server on P+9), SOAK_POSTGRES_URL (else MAESTRO_TEST_POSTGRES_URL).
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {
  byStatus,
  createSchema,
  percentile,
  publish,
  request,
  startDaemon,
  startRedis,
  stopDaemon,
  writePhases,
  type Answer,
  type Daemon,
} from './cluster.js'

export interface SoakOptions {
  publishes: number
  reads: number
  /** Publishes in flight at once. */
  publishConcurrency: number
  /** Reads in flight at once. */
  readConcurrency: number
  /** How long a publishing client waits for its answer before it gives up (ms); it never retries. */
  publishTimeoutMs: number
  /** How long Redis is stalled (SIGSTOP). */
  stallMs: number
  /** Daemons on portBase..portBase+2, redis-server on portBase+9. */
  portBase: number
  postgresUrl: string
  /** The run stops its load after this long whatever is left (ms). */
  timeLimitMs: number
  /** Printed as it goes (default console.log). */
  log?: (line: string) => void
}

interface Sent extends Answer {
  /** A read of /health is a `health`; every other read a `read`. */
  kind: 'publish' | 'read' | 'health'
  daemon: string
  /** When it was sent, ms since the start. */
  at: number
  name?: string
}

interface FaultWindow {
  what: string
  from: number
  to: number
}

export interface SoakReport {
  options: Omit<SoakOptions, 'log'>
  seconds: number
  publishes: {
    sent: number
    acknowledged: number
    perSecond: number
    p50: number
    p99: number
    statuses: Record<string, number>
  }
  reads: {sent: number; perSecond: number; p50: number; p99: number; statuses: Record<string, number>}
  /** /health among the reads: its latency and answers (it must answer within a second under load). */
  health: {
    sent: number
    p50: number
    p99: number
    max: number
    overOneSecond: number
    /** Of those over a second, how many overlapped a fault (a kill, the Redis stall) or its tail. */
    overOneSecondInFaults: number
    statuses: Record<string, number>
  }
  faults: FaultWindow[]
  /** RSS (MiB) per daemon process, sampled every second: [seconds since start, MiB]. */
  rss: Record<string, [number, number][]>
  /** Where each serving daemon's writes spent their time (bench/cluster.ts writePhases). */
  phases: string[]
  /** The machine's load average (1, 5, 15 minutes) when the run started and ended. */
  load: {start: number[]; end: number[]}
  /** What did not hold; empty when everything did. */
  failures: string[]
}

/** The short run CI does, and the full run of the issue. */
export function soakOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SoakOptions {
  const full = env.SOAK_FULL === '1' || env.SOAK_FULL === 'true'
  const postgresUrl = env.SOAK_POSTGRES_URL ?? env.MAESTRO_TEST_POSTGRES_URL
  if (!postgresUrl)
    throw new Error('set SOAK_POSTGRES_URL (or MAESTRO_TEST_POSTGRES_URL) to a PostgreSQL server')
  return {
    publishes: Number(env.SOAK_PUBLISHES ?? (full ? 1000 : 100)),
    reads: Number(env.SOAK_READS ?? (full ? 50_000 : 2000)),
    publishConcurrency: Number(env.SOAK_PUBLISH_CONCURRENCY ?? (full ? 1000 : 20)),
    readConcurrency: Number(env.SOAK_READ_CONCURRENCY ?? (full ? 32 : 16)),
    stallMs: Number(env.SOAK_STALL_MS ?? (full ? 20_000 : 4000)),
    publishTimeoutMs: Number(env.SOAK_PUBLISH_TIMEOUT_MS ?? 120_000),
    portBase: Number(env.SOAK_PORT_BASE ?? 18530),
    postgresUrl,
    // The short run's bound leaves room for a machine shared with other work (CI runs it).
    timeLimitMs: full ? 30 * 60_000 : 120_000,
  }
}

/** How long after a fault ends a 503 still counts as part of it (reconnects, a daemon's start). */
const FAULT_TAIL_MS = 5000

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((line: string) => console.log(line))
  const work = mkdtempSync(join(tmpdir(), 'maestro-soak-'))
  const catalog = mkdtempSync(join(tmpdir(), 'maestro-soak-catalog-'))
  const home = join(work, 'home')
  const redis = await startRedis(options.portBase + 9)
  const schema = await createSchema(options.postgresUrl, 'soak')
  const env = {
    MAESTRO_HOME: home,
    TEMPLATES_STORAGE_PATH: catalog,
    DATABASE_URL: schema.url,
    REDIS_URL: redis.url,
  }
  const daemons: Daemon[] = []
  /** Every daemon process started, killed ones included (their output is kept). */
  const everyDaemon: Daemon[] = []
  const rss: SoakReport['rss'] = {}
  const faults: FaultWindow[] = []
  const failures: string[] = []
  const sent: Sent[] = []
  const started = Date.now()
  const loadAtStart = loadavg()
  const now = () => Date.now() - started
  let sampler: NodeJS.Timeout | undefined
  try {
    // The first daemon migrates the schema; the others start on a migrated one.
    daemons.push(await startDaemon('d0', options.portBase, env))
    daemons.push(...(await Promise.all([1, 2].map((i) => startDaemon(`d${i}`, options.portBase + i, env)))))
    everyDaemon.push(...daemons)
    let generation = 0
    const label = (d: Daemon) => `${d.name}#${d.child.pid}`
    sampler = setInterval(() => {
      for (const d of daemons) {
        const mb = d.rssMb()
        if (mb !== null) (rss[label(d)] ??= []).push([Math.round(now() / 1000), Math.round(mb)])
      }
    }, 1000)
    sampler.unref()

    // The load: publishes and reads, round-robin over the daemons, bounded in count and time.
    const deadline = Date.now() + options.timeLimitMs
    const acknowledged: {name: string; commit: string}[] = []
    let publishIndex = 0
    let publishesDone = 0
    const tag = Math.random().toString(36).slice(2, 7)
    // As a load balancer's health check would: a daemon being killed gets no new requests
    // (those in flight when it dies are lost unanswered, and are not acknowledged).
    const down = new Set<Daemon>()
    const pickDaemon = (i: number) => {
      const up = daemons.filter((d) => !down.has(d))
      return up[i % up.length]!
    }
    const publisher = async () => {
      while (publishIndex < options.publishes && Date.now() < deadline) {
        const i = publishIndex++
        const daemon = pickDaemon(i)
        const name = `soak-${tag}-${i}`
        const at = now()
        const answer = await publish(daemon, name, options.publishTimeoutMs)
        sent.push({...answer, kind: 'publish', daemon: daemon.name, at, name})
        if (answer.status >= 200 && answer.status < 300) {
          const commit = (JSON.parse(answer.body) as {commit?: string}).commit
          acknowledged.push({name, commit: commit ?? ''})
        }
        publishesDone++
      }
    }
    let readIndex = 0
    const reader = async () => {
      while (readIndex < options.reads && Date.now() < deadline) {
        const i = readIndex++
        const daemon = pickDaemon(i + 1)
        const known = acknowledged.length > 0 ? acknowledged[i % acknowledged.length]!.name : undefined
        const shape = i % 4
        const at = now()
        const answer =
          shape === 0 && known
            ? await request(`${daemon.url}/api/v1/templates/${known}`, {timeoutMs: 30_000})
            : shape === 1
              ? await request(`${daemon.url}/api/v1/templates?sort=name&limit=50&offset=${(i * 7) % 100}`, {
                  timeoutMs: 30_000,
                })
              : shape === 2
                ? await request(`${daemon.url}/api/v1/templates/search`, {
                    method: 'POST',
                    headers: {'content-type': 'application/json'},
                    body: JSON.stringify({text: i % 2 === 0 ? 'soak' : 'service', limit: 10}),
                    timeoutMs: 30_000,
                  })
                : await request(`${daemon.url}/health`, {timeoutMs: 30_000})
        sent.push({
          ...answer,
          body: answer.status >= 500 || answer.status === 0 ? answer.body : '',
          kind: shape === 3 ? 'health' : 'read',
          daemon: daemon.name,
          at,
        })
      }
    }

    // The faults, triggered by the publishes' progress.
    const faultPlan = async () => {
      const when = async (fraction: number) => {
        while (publishesDone < options.publishes * fraction && Date.now() < deadline) await sleep(50)
      }
      await when(0.25)
      {
        const victim = daemons[1]!
        const from = now()
        log(`fault: SIGKILL ${victim.name} at ${(from / 1000).toFixed(1)} s`)
        victim.child.kill('SIGKILL')
        down.add(victim)
        await sleep(2000)
        daemons[1] = await startDaemon(`d1-r${++generation}`, victim.port, env)
        everyDaemon.push(daemons[1])
        faults.push({what: `SIGKILL ${victim.name} and restart`, from, to: now()})
        log(`fault: ${victim.name} restarted after ${((now() - from) / 1000).toFixed(1)} s`)
      }
      await when(0.5)
      {
        const from = now()
        log(`fault: SIGSTOP redis for ${options.stallMs} ms at ${(from / 1000).toFixed(1)} s`)
        redis.pause()
        await sleep(options.stallMs)
        redis.resume()
        faults.push({what: `Redis stalled ${options.stallMs} ms`, from, to: now()})
      }
      await when(0.75)
      {
        const from = now()
        log(`fault: SIGKILL redis at ${(from / 1000).toFixed(1)} s, restart after 2 s`)
        await redis.killAndRestart().then(() => sleep(2000))
        faults.push({what: 'Redis killed and restarted', from, to: now()})
      }
    }

    const loadStarted = performance.now()
    const publishing = Promise.all(Array.from({length: options.publishConcurrency}, publisher))
    const publishSeconds = publishing.then(() => (performance.now() - loadStarted) / 1000)
    await Promise.all([
      publishing,
      Promise.all(Array.from({length: options.readConcurrency}, reader)),
      faultPlan(),
    ])
    const loadSeconds = (performance.now() - loadStarted) / 1000
    clearInterval(sampler)
    sampler = undefined

    // What must hold.
    const inFault = (at: number, ms: number) =>
      faults.some((f) => at + ms >= f.from && at <= f.to + FAULT_TAIL_MS)
    // A 500's log line (found by its request id) says what went wrong.
    const logged = (body: string) => {
      const id = /request id ([0-9a-f-]{36})/.exec(body)?.[1]
      if (!id) return ''
      for (const d of everyDaemon) {
        const line = d
          .output()
          .split('\n')
          .find((l) => l.includes(id) && l.includes('"err"'))
        if (line) return `\n    log: ${line.slice(0, 1500)}`
      }
      return ''
    }
    for (const s of sent) {
      if (s.status >= 500 && s.status !== 503)
        failures.push(
          `${s.kind} to ${s.daemon} at ${(s.at / 1000).toFixed(1)} s answered ${s.status}: ${s.body.slice(0, 200)}${logged(s.body)}`,
        )
      else if (s.status === 503 && !inFault(s.at, s.ms))
        failures.push(
          `${s.kind} to ${s.daemon} at ${(s.at / 1000).toFixed(1)} s answered 503 outside any fault: ${s.body.slice(0, 200)}`,
        )
      else if (s.status === 0 && !inFault(s.at, s.ms))
        failures.push(
          `${s.kind} to ${s.daemon} at ${(s.at / 1000).toFixed(1)} s got no answer outside any fault: ${s.body.slice(0, 200)}`,
        )
    }
    if (publishIndex < options.publishes)
      failures.push(`only ${publishIndex} of ${options.publishes} publishes were sent within the time limit`)
    if (readIndex < options.reads)
      failures.push(`only ${readIndex} of ${options.reads} reads were sent within the time limit`)

    const repo = join(home, 'git', 'local.git')
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', repo, ...args], {encoding: 'utf8', maxBuffer: 64 << 20})
    // A publish whose client gave up may still be queued in its daemon and land later:
    // git and the index are compared once the head has stopped moving (3 s, at most 2 min).
    {
      let head = git('rev-parse', 'main').trim()
      let still = Date.now()
      const settleBy = Date.now() + 120_000
      while (Date.now() - still < 3000 && Date.now() < settleBy) {
        await sleep(500)
        const now = git('rev-parse', 'main').trim()
        if (now !== head) [head, still] = [now, Date.now()]
      }
    }
    const gitCommits = new Set(git('log', '--format=%H', 'main').trim().split('\n'))
    const gitTemplates = new Set(
      git('ls-tree', '-d', '--name-only', 'main:backend_developer').trim().split('\n').filter(Boolean),
    )
    for (const {name, commit} of acknowledged) {
      if (!gitCommits.has(commit))
        failures.push(`acknowledged ${name} (commit ${commit}) is not in git's history`)
      if (!gitTemplates.has(name)) failures.push(`acknowledged ${name} is not in git's head`)
    }
    for (const daemon of daemons) {
      for (const {name, commit} of acknowledged) {
        const answer = await request(`${daemon.url}/api/v1/templates/${name}`)
        if (answer.status !== 200)
          failures.push(`${daemon.name} answers ${answer.status} for acknowledged ${name}`)
        else if ((JSON.parse(answer.body) as {commit: string}).commit !== commit)
          failures.push(`${daemon.name} serves ${name} at another commit than acknowledged`)
      }
      const listed = await listAll(daemon)
      const missing = [...gitTemplates].filter((n) => !listed.has(n))
      const extra = [...listed].filter((n) => !gitTemplates.has(n))
      if (missing.length > 0 || extra.length > 0)
        failures.push(
          `${daemon.name}: index != git (${missing.length} in git only: ${missing.slice(0, 5).join(', ')}; ${extra.length} in the index only: ${extra.slice(0, 5).join(', ')})`,
        )
    }
    try {
      execFileSync('git', ['--git-dir', repo, 'fsck', '--strict'], {encoding: 'utf8', stdio: 'pipe'})
    } catch (err) {
      failures.push(`git fsck --strict: ${String((err as {stderr?: string}).stderr ?? err).slice(0, 500)}`)
    }
    // A daemon killed mid-run has no "end": its last sample is from before the kill, in
    // its warm-up. Only the daemons serving at the end are judged.
    const serving = new Set(daemons.map(label))
    for (const [process, samples] of Object.entries(rss)) {
      if (!serving.has(process)) continue
      // Warm-up: the first third of the process's life, while V8 grows its heap to its
      // working size (a full run reaches it after ~100 s). The level after warm-up is the
      // median of the next sixth (one sample may fall just after a collection); a leak
      // keeps growing from there to the end and fails the bound.
      if (samples.length < 15) continue
      const settled = samples
        .slice(
          Math.floor(samples.length / 3),
          Math.max(Math.floor(samples.length / 2), Math.floor(samples.length / 3) + 1),
        )
        .map(([, mb]) => mb)
        .sort((a, b) => a - b)
      const warm = settled[Math.floor(settled.length / 2)]!
      // The level at the end, as a median too: RSS swings by tens of MiB with each
      // collection, and one sample would judge the collector's phase, not the trend.
      const tail = samples
        .slice(-Math.max(1, Math.floor(samples.length / 6)))
        .map(([, mb]) => mb)
        .sort((a, b) => a - b)
      const last = tail[Math.floor(tail.length / 2)]!
      const bound = warm * 1.2 + 32
      const peak = Math.max(...samples.slice(5).map(([, mb]) => mb))
      if (peak > 2 * warm + 64)
        failures.push(`${process}: RSS peaked at ${peak} MiB, over twice its warm-up ${warm} MiB (+64)`)
      if (last > bound)
        failures.push(
          `${process}: RSS ${last} MiB at the end (median of the last sixth), over ${Math.round(bound)} MiB (warm-up ${warm} MiB + 20% + 32)`,
        )
    }

    const publishes = sent.filter((s) => s.kind === 'publish')
    const reads = sent.filter((s) => s.kind !== 'publish')
    const healths = sent.filter((s) => s.kind === 'health')
    const healthMs = healths.map((s) => s.ms).sort((a, b) => a - b)
    const sortedMs = (xs: Sent[]) => xs.map((s) => s.ms).sort((a, b) => a - b)
    const pubMs = sortedMs(publishes.filter((s) => s.status >= 200 && s.status < 300))
    const readMs = sortedMs(reads.filter((s) => s.status >= 200 && s.status < 300))
    const publishTime = await publishSeconds
    const phases = await Promise.all(
      daemons.map((d) => writePhases(d).catch((err: unknown) => `${d.name}: ${String(err)}`)),
    )
    return {
      options: {...options, log: undefined} as Omit<SoakOptions, 'log'>,
      seconds: loadSeconds,
      publishes: {
        sent: publishes.length,
        acknowledged: acknowledged.length,
        perSecond: acknowledged.length / publishTime,
        p50: percentile(pubMs, 50),
        p99: percentile(pubMs, 99),
        statuses: byStatus(publishes),
      },
      health: {
        sent: healths.length,
        p50: percentile(healthMs, 50),
        p99: percentile(healthMs, 99),
        max: healthMs.at(-1) ?? NaN,
        overOneSecond: healthMs.filter((ms) => ms > 1000).length,
        overOneSecondInFaults: healths.filter((h) => h.ms > 1000 && inFault(h.at, h.ms)).length,
        statuses: byStatus(healths),
      },
      reads: {
        sent: reads.length,
        perSecond: reads.length / loadSeconds,
        p50: percentile(readMs, 50),
        p99: percentile(readMs, 99),
        statuses: byStatus(reads),
      },
      faults,
      rss,
      phases,
      load: {start: loadAtStart, end: loadavg()},
      failures,
    }
  } finally {
    if (sampler) clearInterval(sampler)
    for (const d of daemons) await stopDaemon(d).catch(() => undefined)
    await redis.stop().catch(() => undefined)
    await schema.drop().catch(() => undefined)
    rmSync(work, {recursive: true, force: true})
    rmSync(catalog, {recursive: true, force: true})
  }
}

/** Every template name a daemon lists in the tenant, page by page. */
async function listAll(daemon: Daemon): Promise<Set<string>> {
  const names = new Set<string>()
  for (let offset = 0; ; offset += 100) {
    const answer = await request(
      `${daemon.url}/api/v1/templates?sort=name&limit=100&offset=${offset}&namespace=local`,
    )
    if (answer.status !== 200)
      throw new Error(`${daemon.name} lists with ${answer.status}: ${answer.body.slice(0, 200)}`)
    const page = JSON.parse(answer.body) as {items: {name: string}[]}
    for (const item of page.items) names.add(item.name)
    if (page.items.length < 100) return names
  }
}

/** The report as the lines bench/README.md records. */
export function formatSoak(report: SoakReport): string {
  const lines = [
    `soak: 3 daemons, PostgreSQL + Redis, ${report.options.publishes} publishes (${report.options.publishConcurrency} in flight, clients wait ${report.options.publishTimeoutMs / 1000} s) and ${report.options.reads} reads (${report.options.readConcurrency} in flight) in ${report.seconds.toFixed(1)} s`,
    `publishes: ${report.publishes.acknowledged}/${report.publishes.sent} acknowledged, ${report.publishes.perSecond.toFixed(1)}/s, p50 ${report.publishes.p50.toFixed(0)} ms, p99 ${report.publishes.p99.toFixed(0)} ms, by status ${JSON.stringify(report.publishes.statuses)}`,
    `reads: ${report.reads.perSecond.toFixed(0)}/s, p50 ${report.reads.p50.toFixed(1)} ms, p99 ${report.reads.p99.toFixed(1)} ms, by status ${JSON.stringify(report.reads.statuses)}`,
    `/health (among the reads): ${report.health.sent}, p50 ${report.health.p50.toFixed(1)} ms, p99 ${report.health.p99.toFixed(1)} ms, max ${report.health.max.toFixed(0)} ms, ${report.health.overOneSecond} over 1 s (${report.health.overOneSecondInFaults} of them during a fault), by status ${JSON.stringify(report.health.statuses)}`,
    `faults: ${report.faults.map((f) => `${f.what} (${(f.from / 1000).toFixed(1)}–${(f.to / 1000).toFixed(1)} s)`).join('; ')}`,
    `load average (1, 5, 15 min): ${report.load.start.map((l) => l.toFixed(1)).join(' ')} at the start, ${report.load.end.map((l) => l.toFixed(1)).join(' ')} at the end`,
    'write phases per daemon (the daemons serving at the end, since their start):',
    ...report.phases.map((line) => `  ${line}`),
    'RSS MiB over time (seconds:MiB):',
    ...Object.entries(report.rss).map(([process, samples]) => {
      const step = Math.max(1, Math.floor(samples.length / 10))
      return `  ${process}: ${samples
        .filter((_, i) => i % step === 0 || i === samples.length - 1)
        .map(([s, mb]) => `${s}:${mb}`)
        .join(' ')}`
    }),
    report.failures.length === 0
      ? 'every check held'
      : `${report.failures.length} checks failed:\n${report.failures
          .slice(0, 40)
          .map((f) => `  - ${f}`)
          .join(
            '\n',
          )}${report.failures.length > 40 ? `\n  ... and ${report.failures.length - 40} more` : ''}`,
  ]
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  runSoak(soakOptionsFromEnv())
    .then((report) => {
      console.log(formatSoak(report))
      process.exit(report.failures.length === 0 ? 0 : 1)
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exit(2)
    })
}
