/**
 * The web catalog, mounted by the daemon at `/`: server-rendered pages over the same
 * registry the API serves (each visitor sees what their token would show), a little
 * JavaScript, and assets shipped in the package. Every page is sent with a strict
 * Content-Security-Policy: scripts and styles from this origin only, none inline.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import express from 'express'
import type {Request, RequestHandler, Response, Router} from 'express'

import {authorize} from '../auth/policy.js'
import {
  InvalidAnswersError,
  isMaestroError,
  MaestroError,
  MissingAnswersError,
  NotFoundError,
} from '../domain/errors.js'
import {inspectAnswers} from '../render/answers.js'
import {packageRoot} from '../domain/package-root.js'
import {ownRecord} from '../domain/records.js'
import {CATEGORIES} from '../domain/types.js'
import type {Answers, Category, Parameter} from '../domain/types.js'
import type {QualityReport} from '../quality/types.js'
import type {SearchQuery, TemplateDetail} from '../registry/types.js'
import {downloadHeaders} from '../archive/archive.js'
import {send} from './deps.js'
import type {WebDeps, WebRegistry} from './deps.js'
import type {Part} from './html.js'
import {catalogBody, PAGE_SIZE, readCatalogQuery} from './pages/catalog.js'
import type {CatalogQuery} from './pages/catalog.js'
import {ASSETS, page} from './pages/layout.js'
import {executionPath, templatePath, workflowPath} from './pages/paths.js'
import {problemBody, signinBody} from './pages/signin.js'
import {templateBody} from './pages/template.js'
import {useBody} from './pages/use.js'
import type {FormValues, ParameterFormData, UsePageData} from './pages/use.js'
import {executionBody, runBody, WORKFLOW_PAGE_SIZE, workflowBody, workflowsBody} from './pages/workflow.js'
import type {RunPageData} from './pages/workflow.js'
import type {DryRunResult, WorkflowDetail, WorkflowRuntime} from '../workflows/runtime.js'
import {executionArchive, resumeAfter, streamExecutionEvents} from '../workflows/serve.js'
import {
  checkCsrf,
  endSession,
  isSecure,
  readCookies,
  REFRESH_COOKIE,
  startSession,
  visitorOf,
} from './session.js'
import type {Visitor} from './session.js'

/** The pages' policy: nothing inline, nothing from elsewhere, forms post here only. */
export const WEB_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

/** Where the assets are: copied into dist by the build, or the sources when running from them. */
function assetsDir(): string {
  const root = packageRoot()
  const built = join(root, 'dist', 'web', 'assets')
  return existsSync(built) ? built : join(root, 'src', 'web', 'assets')
}

function sendPage(
  res: Response,
  status: number,
  title: string,
  visitor: Visitor,
  req: Request,
  body: Part,
): void {
  send(res, status, 'text/html; charset=utf-8', page({title, visitor, here: req.originalUrl, body}), {
    'Content-Security-Policy': WEB_CSP,
  })
}

/** A path on this site to go back to after signing in (never another origin). */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) && value.length < 2000 ? value : '/'
}

function origin(req: Request, trustProxy: boolean): string {
  return `${isSecure(req, trustProxy) ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`
}

/** `name` or `name@version` in the URL, under its namespace, as the registry reads refs. */
function refOf(req: Request): {ref: string; pinned: boolean} {
  const namespace = String(req.params.namespace)
  const name = String(req.params.ref)
  return {ref: `${namespace}/${name}`, pinned: name.includes('@')}
}

/**
 * A failure as a visitor should hear of it: a user's mistake (a domain error or a
 * malformed body, 4xx) with its message, anything else as 500 without details.
 */
function problemOf(err: unknown): {status: number; message?: string} {
  if (isMaestroError(err))
    return err.status < 500 ? {status: err.status, message: err.message} : {status: err.status}
  const e = err as {status?: unknown; expose?: unknown; message?: unknown} | null
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose !== false)
    return {status: e.status, message: String(e.message)}
  return {status: 500}
}

/** Quality reports by template commit: scoring renders the template, so it is done once per version. */
class ReportCache {
  readonly #entries = new Map<string, QualityReport>()
  async get(key: string, compute: () => Promise<QualityReport>): Promise<QualityReport> {
    const hit = this.#entries.get(key)
    if (hit) return hit
    const report = await compute()
    this.#entries.set(key, report)
    if (this.#entries.size > 200) this.#entries.delete(this.#entries.keys().next().value!)
    return report
  }
}

/** The raw answers of a form or a shared URL, for the parameters the template has. */
export function formValues(params: Parameter[], raw: Record<string, unknown>): FormValues {
  const out: FormValues = ownRecord()
  for (const p of params) {
    const value = Object.hasOwn(raw, p.name) ? raw[p.name] : undefined
    if (typeof value === 'string') out[p.name] = value
    else if (Array.isArray(value)) out[p.name] = value.filter((v): v is string => typeof v === 'string')
  }
  return out
}

/** Form values as answers: empty text means "use the default", as a blank prompt does. */
export function answersOf(params: Parameter[], values: FormValues): Answers {
  const out = ownRecord()
  for (const p of params) {
    const value = values[p.name]
    if (value === undefined) continue
    const list = Array.isArray(value) ? value : [value]
    if (p.type === 'multichoice') out[p.name] = list.filter((v) => v !== '')
    else if (list.at(-1) !== '' && list.length > 0) out[p.name] = list.at(-1)!
  }
  return out as Answers
}

/** The form's URL carrying the non-secret answers that were given. */
function shareHref(base: string, params: Parameter[], values: FormValues): string {
  const query = new URLSearchParams()
  for (const p of params) {
    const value = values[p.name]
    if (p.secret || value === undefined) continue
    const list = Array.isArray(value) ? value : [value]
    // A checkbox sends its hidden "false" then "true": the last value is the answer.
    for (const v of p.type === 'multichoice' ? list : list.slice(-1)) if (v !== '') query.append(p.name, v)
  }
  const text = query.toString()
  return text ? `${base}?${text}` : base
}

/**
 * Answers the server refused, by parameter (and `''` for the form), to show next to the
 * fields; anything else than a refusal of the answers is thrown on.
 */
function answerErrors(err: unknown): Record<string, string> {
  const errors: Record<string, string> = ownRecord()
  if (err instanceof InvalidAnswersError) {
    for (const issue of err.issues)
      errors[(issue.path ?? '').replace(/^\//, '').split('/')[0] ?? ''] = issue.message
  } else if (err instanceof MissingAnswersError) {
    for (const name of err.missing) errors[name] = `${name} is required`
  } else {
    throw err
  }
  errors[''] = 'Some answers need fixing before going on.'
  return errors
}

function may(visitor: Visitor, permission: 'template:use'): boolean {
  try {
    authorize(visitor.context, permission)
    return true
  } catch {
    return false
  }
}

/**
 * The catalog's routes and assets.
 *
 * @example
 * ```ts
 * app.use(webRouter(routerDeps)) // after the API routers, before the 404 handler
 * ```
 */
export function webRouter(deps: WebDeps): Router {
  const router = express.Router()
  const trustProxy = deps.config.trustProxy
  const reports = new ReportCache()
  const form = express.urlencoded({extended: false, limit: deps.limits.jsonBody, parameterLimit: 2000})
  const json = express.json({limit: deps.limits.jsonBody})
  const statics = express.static(assetsDir(), {index: false, maxAge: '1h', fallthrough: true})

  router.use(ASSETS, (req, res) => {
    res.setHeader('Content-Security-Policy', WEB_CSP)
    statics(req, res, () => send(res, 404, 'text/plain; charset=utf-8', 'no such file\n'))
  })

  /** A page handler: who is visiting, then the page; a user's mistake is a page saying so. */
  const handle =
    (title: string, fn: (req: Request, res: Response, visitor: Visitor) => Promise<void>): RequestHandler =>
    async (req, res) => {
      const visitor = await visitorOf(req, res, {auth: deps.auth, trustProxy})
      req.context = visitor.context
      try {
        await fn(req, res, visitor)
      } catch (err) {
        if (res.headersSent) throw err
        const problem = problemOf(err)
        if (problem.message === undefined)
          deps.logger.error({err, req_id: req.id, url: req.originalUrl}, 'web page failed')
        const status = problem.status
        const message =
          problem.message ?? `Something went wrong on our side; it has been logged with request id ${req.id}.`
        // Signing in is the way past a 401: offer it, coming back here.
        const signIn =
          status === 401 && visitor.canSignIn
            ? `/signin?next=${encodeURIComponent(safeNext(req.originalUrl))}`
            : undefined
        sendPage(
          res,
          status,
          title,
          visitor,
          req,
          problemBody(status === 404 ? 'Not found' : title, message, signIn),
        )
      }
    }

  const registryOf = (visitor: Visitor): WebRegistry => deps.registry.withContext(visitor.context)

  /**
   * The category shelves from the search's own `categories` (templates per category in
   * what the visitor may read, whatever the other filters): one query per page view
   * instead of one per category.
   */
  function categoryCounts(
    categories: Record<string, number>,
    current: Category | '',
  ): {category: Category; count: number}[] {
    return CATEGORIES.filter((c) => (categories[c] ?? 0) > 0 || c === current).map((category) => ({
      category,
      count: categories[category] ?? 0,
    }))
  }

  router.get(
    '/',
    handle('Catalog', async (req, res, visitor) => {
      const q: CatalogQuery = readCatalogQuery(req.query)
      const registry = registryOf(visitor)
      const filters: SearchQuery = {
        ...(q.q ? {text: q.q} : {}),
        ...(q.tag ? {tags: [q.tag]} : {}),
        ...(q.author ? {author: q.author} : {}),
        ...(q.minScore !== undefined ? {minScore: q.minScore} : {}),
      }
      const result = await registry.search({
        ...filters,
        ...(q.category ? {category: q.category} : {}),
        ...(q.sort ? {sort: q.sort} : {}),
        limit: PAGE_SIZE,
        offset: (q.page - 1) * PAGE_SIZE,
      })
      const counts = categoryCounts(result.categories, q.category)
      const usage = await registry.usageOf(result.items.map((t) => t.id))
      const items = result.items.map((t) => ({...t, usage_count: usage.get(t.id) ?? 0}))
      sendPage(
        res,
        200,
        q.q ? `“${q.q}”` : 'Catalog',
        visitor,
        req,
        catalogBody(q, {...result, items}, counts),
      )
    }),
  )

  router.get(
    '/templates/:namespace/:ref',
    handle('Template', async (req, res, visitor) => {
      const {ref, pinned} = refOf(req)
      const registry = registryOf(visitor)
      const detail = await registry.get(ref)
      const exact = `${detail.namespace}/${detail.name}@${detail.version}`
      const [versions, loaded, usage] = await Promise.all([
        registry.versions(`${detail.namespace}/${detail.name}`),
        registry.getFiles(exact),
        registry.usageOf([detail.id]),
      ])
      const report = await reports
        .get(`${detail.id}@${detail.commit}`, () =>
          deps.renderHost.score({
            template: {manifest: loaded.manifest, readme: loaded.readme, files: loaded.files},
            minScore: deps.config.minTemplateQualityScore,
          }),
        )
        .catch((err: unknown) => {
          deps.logger.warn({err, template: exact}, 'quality report failed')
          return null
        })
      const wanted = typeof req.query.file === 'string' ? req.query.file : undefined
      const bytes = wanted === undefined ? undefined : loaded.files.get(wanted)
      sendPage(
        res,
        200,
        detail.name,
        visitor,
        req,
        templateBody({
          detail,
          pinned,
          versions,
          uses: usage.get(detail.id) ?? 0,
          report,
          file: wanted !== undefined && bytes ? {path: wanted, bytes} : undefined,
          origin: origin(req, trustProxy),
          needsToken: deps.auth !== undefined,
        }),
      )
    }),
  )

  /** A parameter form's data: the answers so far as the server reads them, for the form at `formBase`. */
  async function formData(
    visitor: Visitor,
    params: Parameter[],
    formBase: string,
    values: FormValues,
    errors: Record<string, string> = {},
  ): Promise<ParameterFormData> {
    return {
      visitor,
      canUse: may(visitor, 'template:use'),
      values,
      state: await inspectAnswers(params, answersOf(params, values)),
      errors,
      shareHref: shareHref(formBase, params, values),
    }
  }

  async function usePage(
    visitor: Visitor,
    detail: TemplateDetail,
    pinned: boolean,
    values: FormValues,
    extra: {errors?: Record<string, string>; preview?: UsePageData['preview']} = {},
  ): Promise<UsePageData> {
    const base = templatePath(detail.namespace, detail.name, pinned ? detail.version : undefined)
    const data = await formData(visitor, detail.manifest.parameters, `${base}/use`, values, extra.errors)
    return {...data, detail, pinned, preview: extra.preview}
  }

  /**
   * A form's live state (shown fields, defaults, problems) as its script asks for it while
   * the visitor types: the same for a template's form and a workflow's.
   */
  const formState =
    (paramsOf: (req: Request, visitor: Visitor) => Promise<Parameter[]>): RequestHandler =>
    async (req, res) => {
      const visitor = await visitorOf(req, res, {auth: deps.auth, trustProxy})
      req.context = visitor.context
      checkCsrf(req)
      const params = await paramsOf(req, visitor)
      const body = (req.body ?? {}) as {values?: unknown}
      const raw =
        body.values !== null && typeof body.values === 'object'
          ? (body.values as Record<string, unknown>)
          : {}
      const state = await inspectAnswers(params, answersOf(params, formValues(params, raw)))
      send(res, 200, 'application/json; charset=utf-8', JSON.stringify(state))
    }

  router.get(
    '/templates/:namespace/:ref/use',
    handle('Use a template', async (req, res, visitor) => {
      const {ref, pinned} = refOf(req)
      const detail = await registryOf(visitor).get(ref)
      const params = detail.manifest.parameters
      const query = req.query as Record<string, unknown>
      const values = formValues(
        params.filter((p) => !p.secret),
        query,
      )
      const data = await usePage(visitor, detail, pinned, values)
      // A secret in a URL ends up in history and logs: take it out of the address at once.
      if (params.some((p) => p.secret && Object.hasOwn(query, p.name))) {
        res.redirect(303, data.shareHref)
        return
      }
      sendPage(res, 200, `Use ${detail.name}`, visitor, req, useBody(data))
    }),
  )

  router.post(
    '/templates/:namespace/:ref/use',
    form,
    handle('Use a template', async (req, res, visitor) => {
      checkCsrf(req)
      const {ref, pinned} = refOf(req)
      const registry = registryOf(visitor)
      const detail = await registry.get(ref)
      const params = detail.manifest.parameters
      const values = formValues(params, (req.body ?? {}) as Record<string, unknown>)
      const action = (req.body as Record<string, unknown>).__action
      // As the API: rendering needs template:use, which an anonymous caller does not hold.
      if (!may(visitor, 'template:use')) {
        const data = await usePage(visitor, detail, pinned, values)
        res.redirect(303, `/signin?next=${encodeURIComponent(data.shareHref)}`)
        return
      }
      const exact = `${detail.namespace}/${detail.name}@${detail.version}`
      let project
      try {
        project = await registry.instantiate(exact, {answers: answersOf(params, values), useDefaults: true})
      } catch (err) {
        const errors = answerErrors(err)
        const data = await usePage(visitor, detail, pinned, values, {errors})
        sendPage(res, 422, `Use ${detail.name}`, visitor, req, useBody(data))
        return
      }
      if (action === 'zip' || action === 'tar.gz') {
        // The archive the API's instantiate answers with, packed off the event loop.
        const root = project.template
        const packed = await deps.renderHost.pack({
          files: project.files,
          format: action,
          root,
          tenant: visitor.context.tenant,
        })
        const {contentType, headers} = downloadHeaders(action, root, {
          name: project.template,
          version: project.version,
          commit: project.commit,
        })
        send(res, 200, contentType, Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength), headers)
        return
      }
      const files = [...project.files]
        .map(([path, bytes]) => ({path, bytes}))
        .sort((a, b) => a.path.localeCompare(b.path))
      const data = await usePage(visitor, detail, pinned, values, {preview: {files}})
      sendPage(res, 200, `Preview of ${detail.name}`, visitor, req, useBody(data))
    }),
  )

  // What the form's script asks as the user types: shown fields, defaults, problems.
  router.post(
    '/templates/:namespace/:ref/use/state',
    json,
    formState(async (req, visitor) => (await registryOf(visitor).get(refOf(req).ref)).manifest.parameters),
  )

  // ---- workflows ---------------------------------------------------------------------
  // The API's rights hold: every workflow route needs template:use (so a signed-in
  // visitor), and an execution is its tenant's only (another tenant's is 404).

  /** The workflow runtime for a signed-in visitor (401 for anonymous, as the API answers). */
  function workflowsFor(visitor: Visitor): WorkflowRuntime {
    authorize(visitor.context, 'template:use')
    if (!deps.workflows)
      throw new MaestroError('this daemon runs without a workflow runtime, so workflows are not available', {
        code: 'NOT_IMPLEMENTED',
        status: 404,
      })
    return deps.workflows
  }

  /** An execution id (or `latest`), as the API takes them: anything else is no execution. */
  const executionRef = (req: Request): string => {
    const id = String(req.params.id)
    if (!/^([0-9a-f-]{36}|latest)$/.test(id)) throw new NotFoundError('execution', id)
    return id
  }

  const workflowRef = (req: Request): string => `${String(req.params.namespace)}/${String(req.params.name)}`

  router.get(
    '/workflows',
    handle('Workflows', async (req, res, visitor) => {
      const wf = workflowsFor(visitor)
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : ''
      const pageNo = Math.min(
        Math.max((typeof req.query.page === 'string' ? Number.parseInt(req.query.page, 10) : 1) || 1, 1),
        1000,
      )
      const result = await wf.list(visitor.context, {
        ...(q ? {text: q} : {}),
        limit: WORKFLOW_PAGE_SIZE,
        offset: (pageNo - 1) * WORKFLOW_PAGE_SIZE,
      })
      sendPage(res, 200, 'Workflows', visitor, req, workflowsBody({q, page: pageNo, result}))
    }),
  )

  router.get(
    '/workflows/:namespace/:name',
    handle('Workflow', async (req, res, visitor) => {
      const workflow = await workflowsFor(visitor).get(visitor.context, workflowRef(req))
      sendPage(
        res,
        200,
        workflow.name,
        visitor,
        req,
        workflowBody(workflow, origin(req, trustProxy), deps.auth !== undefined),
      )
    }),
  )

  async function runPage(
    visitor: Visitor,
    workflow: WorkflowDetail,
    values: FormValues,
    extra: {errors?: Record<string, string>; dryRun?: DryRunResult} = {},
  ): Promise<RunPageData> {
    const base = `${workflowPath(workflow.namespace, workflow.name)}/run`
    const data = await formData(visitor, workflow.definition.parameters, base, values, extra.errors)
    return {...data, workflow, dryRun: extra.dryRun}
  }

  router.get(
    '/workflows/:namespace/:name/run',
    handle('Run a workflow', async (req, res, visitor) => {
      const workflow = await workflowsFor(visitor).get(visitor.context, workflowRef(req))
      const params = workflow.definition.parameters
      const query = req.query as Record<string, unknown>
      const data = await runPage(
        visitor,
        workflow,
        formValues(
          params.filter((p) => !p.secret),
          query,
        ),
      )
      if (params.some((p) => p.secret && Object.hasOwn(query, p.name))) {
        res.redirect(303, data.shareHref)
        return
      }
      sendPage(res, 200, `Run ${workflow.name}`, visitor, req, runBody(data))
    }),
  )

  router.post(
    '/workflows/:namespace/:name/run',
    form,
    handle('Run a workflow', async (req, res, visitor) => {
      checkCsrf(req)
      const wf = workflowsFor(visitor)
      const workflow = await wf.get(visitor.context, workflowRef(req))
      const params = workflow.definition.parameters
      const values = formValues(params, (req.body ?? {}) as Record<string, unknown>)
      const exact = `${workflow.namespace}/${workflow.name}@${workflow.version}`
      const options = {answers: answersOf(params, values), useDefaults: true}
      const dry = (req.body as Record<string, unknown>).__action === 'preview'
      try {
        if (dry) {
          const dryRun = await wf.dryRun(visitor.context, exact, options)
          const data = await runPage(visitor, workflow, values, {dryRun})
          sendPage(res, 200, `Dry run of ${workflow.name}`, visitor, req, runBody(data))
          return
        }
        const {execution} = await wf.execute(visitor.context, exact, options)
        res.redirect(303, executionPath(execution.id))
      } catch (err) {
        const data = await runPage(visitor, workflow, values, {errors: answerErrors(err)})
        sendPage(res, 422, `Run ${workflow.name}`, visitor, req, runBody(data))
      }
    }),
  )

  router.post(
    '/workflows/:namespace/:name/run/state',
    json,
    formState(
      async (req, visitor) =>
        (await workflowsFor(visitor).get(visitor.context, workflowRef(req))).definition.parameters,
    ),
  )

  router.get(
    '/executions/:id',
    handle('Execution', async (req, res, visitor) => {
      const wf = workflowsFor(visitor)
      const record = await wf.status(visitor.context, executionRef(req))
      if (executionRef(req) !== record.id) {
        res.redirect(303, executionPath(record.id))
        return
      }
      const events = await wf.events(visitor.context, record.id, 0)
      // The page shows the record as read after its events: the stream resumes after the last one.
      const lastSeq = events.at(-1)?.seq ?? 0
      const now = await wf.status(visitor.context, record.id)
      sendPage(res, 200, `${now.workflow}: ${now.state}`, visitor, req, executionBody(now, lastSeq))
    }),
  )

  // The page's event stream: the API's stream, authenticated by the session cookie.
  router.get('/executions/:id/events', async (req, res, next) => {
    try {
      const visitor = await visitorOf(req, res, {auth: deps.auth, trustProxy})
      const after =
        typeof req.query.after === 'string' && /^\d{1,15}$/.test(req.query.after)
          ? Number(req.query.after)
          : undefined
      await streamExecutionEvents(
        workflowsFor(visitor),
        visitor.context,
        executionRef(req),
        req,
        res,
        // A reconnecting EventSource says where it got to (Last-Event-ID): that wins over the page's `after`.
        resumeAfter(req, req.headers['last-event-id'] === undefined ? after : undefined),
      )
    } catch (err) {
      if (res.headersSent) {
        res.end()
        return
      }
      const problem = problemOf(err)
      if (problem.message === undefined) {
        next(err)
        return
      }
      send(res, problem.status, 'text/plain; charset=utf-8', `${problem.message}\n`)
    }
  })

  router.get(
    '/executions/:id/result',
    handle('Execution result', async (req, res, visitor) => {
      const format = req.query.format === 'zip' ? 'zip' : 'tar.gz'
      const archive = await executionArchive(
        workflowsFor(visitor),
        deps.renderHost,
        visitor.context,
        executionRef(req),
        format,
      )
      send(res, 200, archive.contentType, archive.body, archive.headers)
    }),
  )

  router.get(
    '/signin',
    handle('Sign in', async (req, res, visitor) => {
      if (!visitor.canSignIn)
        throw new MaestroError('this daemon has no sign-in (ENABLE_RBAC=false): everyone is its admin', {
          code: 'AUTH_DISABLED',
          status: 404,
        })
      const next = safeNext(req.query.next)
      sendPage(res, 200, 'Sign in', visitor, req, signinBody(visitor, {next, username: '', tenant: ''}))
    }),
  )

  router.post(
    '/signin',
    form,
    handle('Sign in', async (req, res, visitor) => {
      checkCsrf(req)
      const auth = deps.auth
      if (!auth)
        throw new MaestroError('this daemon has no sign-in (ENABLE_RBAC=false)', {
          code: 'AUTH_DISABLED',
          status: 404,
        })
      const body = (req.body ?? {}) as Record<string, unknown>
      const username = typeof body.username === 'string' ? body.username.trim() : ''
      const password = typeof body.password === 'string' ? body.password : ''
      const tenant = typeof body.tenant === 'string' ? body.tenant.trim() : ''
      const next = safeNext(body.next)
      try {
        if (username === '' || password === '')
          throw new MaestroError('enter your username and password', {code: 'INVALID_REQUEST', status: 400})
        deps.loginLimiter.hit(
          `${req.socket.remoteAddress ?? ''}\0${username.toLowerCase()}`,
          'sign-in attempts',
        )
        const pair = await auth.login({username, password, ...(tenant ? {tenant} : {})})
        startSession(res, pair, isSecure(req, trustProxy))
        res.redirect(303, next)
      } catch (err) {
        const problem = problemOf(err)
        if (problem.message === undefined) throw err
        const error = {status: problem.status, message: problem.message}
        sendPage(
          res,
          error.status,
          'Sign in',
          visitor,
          req,
          signinBody(visitor, {next, username, tenant, error: error.message}),
        )
      }
    }),
  )

  router.post(
    '/signout',
    form,
    handle('Sign out', async (req, res) => {
      checkCsrf(req)
      const refresh = readCookies(req).get(REFRESH_COOKIE)
      if (refresh && deps.auth) await deps.auth.logout(refresh)
      endSession(res, isSecure(req, trustProxy))
      res.redirect(303, '/')
    }),
  )

  return router
}
