import {randomUUID} from 'node:crypto'

import express, {type NextFunction, type Request, type Response} from 'express'

import {{ "{" }}{{ resource }}sRouter} from './{{ resource }}s.js'

/** An error a client caused: it leaves as problem+json with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: {pointer: string; detail: string}[],
  ) {
    super(message)
  }
}

export function createApp() {
  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({limit: '1mb'}))
  app.use((req, res, next) => {
    const id = req.get('x-request-id') ?? randomUUID()
    res.set('x-request-id', id)
{%- if request_logging %}
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      console.log(JSON.stringify({id, method: req.method, path: req.path, status: res.statusCode, ms}))
    })
{%- endif %}
    next()
  })
  app.get('/healthz', (_req, res) => {
    res.json({status: 'ok'})
  })
  app.use('/{{ resource }}s', {{ resource }}sRouter())
  app.use((_req, _res, next) => next(new HttpError(404, 'no such route')))
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = err instanceof HttpError ? err.status : 500
    const detail = err instanceof HttpError ? err.message : 'internal error'
    if (status >= 500) console.error(err)
    res
      .status(status)
      .type('application/problem+json')
      .json({
        type: 'about:blank',
        title: status >= 500 ? 'Internal Server Error' : 'Request error',
        status,
        detail,
        ...(err instanceof HttpError && err.errors ? {errors: err.errors} : {}),
      })
  })
  return app
}
