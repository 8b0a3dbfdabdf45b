/**
 * A minimal node:http API behind the limiter: `npm start`, then
 * `curl -i localhost:${PORT:-3000}/api/hello`. Health checks are never limited.
 */
import {createServer} from 'node:http'

import {createRateLimiter} from './rate-limit.js'

export function createApp(limiter = createRateLimiter({skip: (req) => req.url === '/healthz'})) {
  return createServer(async (req, res) => {
    try {
      if (!(await limiter.handle(req, res))) return
    } catch (err) {
      // The store is down: fail open (serve) and say so, rather than refuse every client.
      console.error('rate limiter unavailable, request not counted:', err)
    }
    if (req.url === '/healthz') {
      res.end('ok\n')
      return
    }
    if (req.url === '/api/hello') {
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({hello: 'world'}))
      return
    }
    res.statusCode = 404
    res.setHeader('Content-Type', 'application/problem+json')
    res.end(JSON.stringify({type: 'about:blank', title: 'Not Found', status: 404}))
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 3000)
  createApp().listen(port, () => console.log(`listening on http://localhost:${port}`))
}
