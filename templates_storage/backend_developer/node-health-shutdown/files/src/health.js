/**
 * Liveness and readiness, kept apart on purpose: liveness answers "is this process
 * stuck?" and only looks at the process itself (a restart cures a stuck event loop, not a
 * database outage: restarting every pod when the database blips turns an outage into a
 * crash loop); readiness answers "should traffic come here now?" and checks the
 * dependencies, and fails while the service drains during shutdown.
 */
import {monitorEventLoopDelay} from 'node:perf_hooks'

/**
 * @typedef {object} CheckResult
 * @property {string} name
 * @property {'pass' | 'fail'} status
 * @property {number} durationMs
 * @property {string} [output] why it failed
 */

/**
 * @param {object} options
 * @param {Record<string, () => Promise<unknown>>} [options.checks] readiness checks: resolve = pass, reject = fail
 * @param {number} [options.timeoutMs] a check that has not settled by then fails
 * @param {number} [options.cacheMs] results reused for this long, so a burst of probes does not hammer dependencies
 * @param {number} [options.maxEventLoopDelayMs] liveness fails when the event loop's p99 delay exceeds this
 * @param {() => number} [options.now]
 */
export function createHealth({checks = {}, timeoutMs = 2000, cacheMs = 1000, maxEventLoopDelayMs = 2000, now = Date.now} = {}) {
  let draining = false
  /** @type { {at: number, results: CheckResult[]} | undefined} */
  let cached
  /** @type {Promise<CheckResult[]> | undefined} */
  let running
  const loop = monitorEventLoopDelay({resolution: 20})
  loop.enable()

  /** @returns {Promise<CheckResult>} */
  async function runCheck(name, check) {
    const started = now()
    let timer
    try {
      await Promise.race([
        check(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs)
        }),
      ])
      return {name, status: 'pass', durationMs: now() - started}
    } catch (err) {
      return {name, status: 'fail', durationMs: now() - started, output: err instanceof Error ? err.message : String(err)}
    } finally {
      clearTimeout(timer)
    }
  }

  /** Every check, in parallel; concurrent callers share one run, and recent results are reused. */
  function runChecks() {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.results)
    running ??= Promise.all(Object.entries(checks).map(([name, check]) => runCheck(name, check))).then((results) => {
      cached = {at: now(), results}
      running = undefined
      return results
    })
    return running
  }

  return {
    /** Liveness: the event loop still turns in time. */
    liveness() {
      const p99Ms = loop.percentile(99) / 1e6
      loop.reset()
      return p99Ms > maxEventLoopDelayMs
        ? {ok: false, checks: [{name: 'event-loop', status: 'fail', durationMs: 0, output: `p99 delay ${Math.round(p99Ms)} ms`}]}
        : {ok: true, checks: [{name: 'event-loop', status: 'pass', durationMs: 0}]}
    },
    /** Readiness: not draining, and every dependency check passes. */
    async readiness() {
      if (draining) {
        return {ok: false, checks: [{name: 'shutdown', status: 'fail', durationMs: 0, output: 'draining'}]}
      }
      const results = await runChecks()
      return {ok: results.every((r) => r.status === 'pass'), checks: results}
    },
    startDraining() {
      draining = true
    },
    get draining() {
      return draining
    },
    close() {
      loop.disable()
    },
  }
}

/**
 * Serves /livez and /readyz{% if probe_format == 'health-json' %} as application/health+json
 * (draft-inadarei-api-health-check: status pass/fail and the checks that led to it){% else %}: `ok` with 200, or 503 and the failing
 * checks, one a line (`?verbose` lists every check){% endif %}. Returns false for other paths.
 * @param {ReturnType<typeof createHealth>} health
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
export async function handleProbe(health, req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost')
  let result
  if (url.pathname === '/livez') result = health.liveness()
  else if (url.pathname === '/readyz') result = await health.readiness()
  else return false
  res.statusCode = result.ok ? 200 : 503
  // A probe's answer is about this instant: never cached by a proxy.
  res.setHeader('Cache-Control', 'no-store')
{%- if probe_format == 'health-json' %}
  res.setHeader('Content-Type', 'application/health+json')
  const checks = {}
  for (const check of result.checks) {
    checks[check.name] = [
      {status: check.status, observedValue: check.durationMs, observedUnit: 'ms', ...(check.output ? {output: check.output} : {})},
    ]
  }
  res.end(JSON.stringify({status: result.ok ? 'pass' : 'fail', serviceId: '{{ project_name }}', checks}))
{%- else %}
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  const shown = url.searchParams.has('verbose') ? result.checks : result.checks.filter((c) => c.status === 'fail')
  const lines = shown.map((c) => `[${c.status === 'pass' ? '+' : '-'}] ${c.name}${c.output ? `: ${c.output}` : ''}`)
  res.end(`${[...lines, result.ok ? 'ok' : 'failed'].join('\n')}\n`)
{%- endif %}
  return true
}
