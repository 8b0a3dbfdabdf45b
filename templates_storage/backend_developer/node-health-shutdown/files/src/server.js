/**
 * {{ project_name }}: the HTTP service with its probes and graceful shutdown wired in.
 * `npm start`; PORT (default {{ port }}){% if dependencies.size > 0 %}, {% for d in dependencies %}{% if d == 'postgres' %}DATABASE_URL{% elsif d == 'redis' %}REDIS_URL{% else %}UPSTREAM_URL{% endif %}{% unless forloop.last %}, {% endunless %}{% endfor %}{% endif %} from the environment.
 */
import {createServer} from 'node:http'

import * as probes from './checks.js'
import {createHealth, handleProbe} from './health.js'
import {gracefulShutdown} from './shutdown.js'

/** Readiness checks for the dependencies configured in the environment. */
export function dependencyChecks(env = process.env) {
  const checks = {}
{%- if dependencies contains 'postgres' %}
  if (env.DATABASE_URL) checks.postgres = probes.postgresCheck(env.DATABASE_URL)
{%- endif %}
{%- if dependencies contains 'redis' %}
  if (env.REDIS_URL) checks.redis = probes.redisCheck(env.REDIS_URL)
{%- endif %}
{%- if dependencies contains 'http' %}
  if (env.UPSTREAM_URL) checks.upstream = probes.httpCheck(env.UPSTREAM_URL)
{%- endif %}
  // Any other TCP dependency: CHECK_TCP=host:port
  if (env.CHECK_TCP) {
    const [host, port] = env.CHECK_TCP.split(':')
    checks.tcp = probes.tcpCheck(host, Number(port))
  }
  return checks
}

/**
 * The service: probes first, then the application's routes.
 * @param {ReturnType<typeof createHealth>} health
 */
export function createApp(health) {
  return createServer(async (req, res) => {
    if (await handleProbe(health, req, res)) return
    if (req.url?.startsWith('/work')) {
      // Stands for a real handler that takes a while: shutdown lets it finish.
      const ms = Math.min(Number(new URL(req.url, 'http://x').searchParams.get('ms') ?? 100), 60_000)
      await new Promise((resolve) => setTimeout(resolve, ms))
      res.end(`done in ${ms} ms\n`)
      return
    }
    res.statusCode = 404
    res.end('not found\n')
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const health = createHealth({checks: dependencyChecks()})
  const server = createApp(health)
  // Node's defaults let a client hold a socket for minutes; keep slow clients bounded.
  server.headersTimeout = 10_000
  server.requestTimeout = 30_000
  gracefulShutdown(server, {
    health,
    drainMs: Number(process.env.DRAIN_MS ?? {{ drain_seconds | times: 1000 }}),
    hooks: [
      // Close pools and consumers here, e.g. () => pool.end()
    ],
  })
  const port = Number(process.env.PORT ?? {{ port }})
  server.listen(port, () => console.log(`{{ project_name }} listening on port ${server.address().port}`))
}
