/**
 * What the daemon sends for an execution over HTTP, shared by the API
 * (`/api/v1/executions/...`, bearer tokens) and the web catalog's execution page
 * (`/executions/...`, session cookies): the server-sent event stream and the result
 * archive. One piece of code, so the page shows exactly what the API streams.
 */
import type {IncomingMessage, ServerResponse} from 'node:http'

import type {RequestContext} from '../domain/registry.js'
import type {RenderHost} from '../sandbox/host.js'
import type {WorkflowRuntime} from './runtime.js'

/** How long the event stream waits between looks at the database. */
const EVENT_POLL_MS = 300

/** Where a stream resumes: `?after=N`, else the `Last-Event-ID` header a reconnecting EventSource sends. */
export function resumeAfter(req: IncomingMessage, after: number | undefined): number {
  const header = req.headers['last-event-id']
  const last = Array.isArray(header) ? header[0] : header
  return after ?? (last !== undefined && /^\d+$/.test(last) ? Number(last) : 0)
}

/**
 * Streams an execution's events as server-sent events (`id` = sequence number, `event` =
 * type, `data` = JSON) until the event that finishes it, or until the client goes away.
 * Throws NotFoundError (before writing anything) for an execution the caller cannot see.
 */
export async function streamExecutionEvents(
  wf: WorkflowRuntime,
  ctx: RequestContext,
  ref: string,
  req: IncomingMessage,
  res: ServerResponse,
  after: number,
): Promise<void> {
  const {id} = await wf.status(ctx, ref)
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  })
  let open = true
  req.on('close', () => (open = false))
  let idle = 0
  while (open) {
    const events = await wf.events(ctx, id, after)
    for (const e of events) {
      res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify({...e.data, at: e.at})}\n\n`)
      after = e.seq
    }
    const {state} = await wf.status(ctx, id)
    if (events.length === 0 && state !== 'queued' && state !== 'running') break
    if (events.length === 0) {
      idle += EVENT_POLL_MS
      // A comment line now and then keeps proxies from closing a quiet stream.
      if (idle >= 15_000) {
        res.write(': keep-alive\n\n')
        idle = 0
      }
      await new Promise((r) => setTimeout(r, EVENT_POLL_MS))
    } else idle = 0
  }
  res.end()
}

/** A succeeded execution's files (its `.git` included when the git action ran), packed. */
export async function executionArchive(
  wf: WorkflowRuntime,
  host: RenderHost,
  ctx: RequestContext,
  ref: string,
  format: 'tar.gz' | 'zip',
): Promise<{body: Buffer; contentType: string; headers: Record<string, string>}> {
  const record = await wf.status(ctx, ref)
  const {files, git} = await wf.result(ctx, record.id)
  const all = new Map(files)
  for (const [path, content] of git ?? []) all.set(`.git/${path}`, content)
  const packed = await host.pack({files: all, format, root: record.workflow, tenant: ctx.tenant})
  return {
    body: Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength),
    contentType: format === 'zip' ? 'application/zip' : 'application/gzip',
    headers: {
      'Content-Disposition': `attachment; filename="${record.workflow}-${record.id.slice(0, 8)}.${format}"`,
      'X-Maestro-Workflow': record.workflow,
      'X-Maestro-Version': record.version,
    },
  }
}
