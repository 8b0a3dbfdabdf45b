/**
 * Graceful shutdown on SIGTERM (what Kubernetes, systemd and docker stop send) and SIGINT:
 *
 * 1. readiness starts failing, and the server keeps serving for `drainMs` so the load
 *    balancer (or Kubernetes endpoints) can stop sending new traffic first;
 * 2. the server stops accepting connections and closes idle keep-alive ones;
 * 3. in-flight requests finish; then the cleanup hooks run (pools, queues), last first;
 * 4. exit 0, or, if it has not all happened within `timeoutMs`, cut the remaining
 *    connections and exit 1. A second signal exits at once.
 */

/**
 * @param {import('node:http').Server} server
 * @param {object} options
 * @param { {startDraining(): void, close?(): void} } options.health
 * @param {number} [options.drainMs]
 * @param {number} [options.timeoutMs]
 * @param {Array<() => Promise<void> | void>} [options.hooks] cleanup, run in reverse order
 * @param {(code: number) => void} [options.exit] process.exit, replaceable in tests
 * @param {(message: string) => void} [options.log]
 * @param {NodeJS.Signals[] | false} [options.signals] signals to listen to (false: none, call shutdown() yourself)
 */
export function gracefulShutdown(
  server,
  {
    health,
    drainMs = {{ drain_seconds | times: 1000 }},
    timeoutMs = {{ shutdown_timeout_seconds | times: 1000 }},
    hooks = [],
    exit = (code) => process.exit(code),
    log = (message) => console.log(message),
    signals = ['SIGTERM', 'SIGINT'],
  },
) {
  /** @type {Promise<number> | undefined} */
  let stopping

  async function drainAndClose() {
    health.startDraining()
    log(`shutdown: draining for ${drainMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, drainMs))
    log('shutdown: closing the server')
    const closed = new Promise((resolve) => server.close(resolve))
    // Keep-alive connections with no request in flight would hold close() open until they time out.
    server.closeIdleConnections()
    await closed
    for (const hook of [...hooks].reverse()) await hook()
    health.close?.()
  }

  /** Starts the shutdown (once); resolves with the exit code it used. */
  function shutdown(reason = 'requested') {
    if (stopping) return stopping
    log(`shutdown: ${reason}`)
    let timer
    const deadline = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
      timer.unref()
    })
    stopping = Promise.race([drainAndClose().then(() => 'done'), deadline])
      .then(
        (outcome) => {
          if (outcome === 'done') return 0
          log(`shutdown: not finished after ${timeoutMs} ms, closing every connection`)
          server.closeAllConnections()
          return 1
        },
        (err) => {
          log(`shutdown: cleanup failed: ${err instanceof Error ? err.message : String(err)}`)
          return 1
        },
      )
      .then((code) => {
        clearTimeout(timer)
        exit(code)
        return code
      })
    return stopping
  }

  for (const signal of signals || []) {
    process.on(signal, () => {
      if (stopping) {
        log(`shutdown: second ${signal}, exiting now`)
        exit(130)
        return
      }
      void shutdown(signal)
    })
  }
  return shutdown
}
