/**
 * The authorization matrix: every route of the route table × caller (anonymous, viewer,
 * editor and admin of acme, and the platform admin) × target (acme's own resource,
 * globex's, the public catalog's), each asserting allow or deny, no leak of globex in
 * what is allowed, and no side effect (template store or accounts) of what is denied.
 *
 * Driven by the table: a route without a declared permission, or without a sample
 * request below, fails this file, so routes added later are covered or loudly not.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {sql} from 'kysely'
import {describe, expect, it} from 'vitest'

import {PERMISSIONS, authorize} from '../../../src/auth/policy.js'
import type {Permission} from '../../../src/auth/policy.js'
import {createDb} from '../../../src/db/database.js'
import {executeRequest} from '../../../src/events/handler.js'
import type {RequestContext} from '../../../src/registry/types.js'
import {allRoutes} from '../../../src/server/routes/index.js'
import {ADMIN_PASSWORD, PASSWORD, SHARED, bearer, buildWorld, login, startAuthServer} from './auth-support.js'
import type {World} from './auth-support.js'
import {templateFiles, templateUpload} from './support.js'
import type {TestServer} from './support.js'

type Caller = 'anonymous' | 'viewer' | 'editor' | 'admin' | 'platform'
type Target = 'own' | 'another' | 'public'
type Outcome = 'allow' | 400 | 401 | 403 | 404 | 422
const NO_EXECUTION = '00000000-0000-4000-8000-000000000000'

const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'admin', 'platform']
const TARGETS: Target[] = ['own', 'another', 'public']
const NAMESPACE: Record<Target, string> = {own: 'acme', another: 'globex', public: 'public'}
const VERSION: Record<string, string> = {acme: '1.0.0', globex: '2.0.0', public: '3.0.0'}

const CONTEXT: Record<Caller, RequestContext> = {
  anonymous: {tenant: 'public', user: 'anonymous', role: 'viewer', anonymous: true},
  viewer: {tenant: 'acme', user: 'acme-viewer', role: 'viewer'},
  editor: {tenant: 'acme', user: 'acme-editor', role: 'editor'},
  admin: {tenant: 'acme', user: 'acme-admin', role: 'admin'},
  platform: {tenant: 'public', user: 'admin', role: 'admin'},
}

/**
 * How a route's target is chosen: a template reference in the path (`template`), the
 * namespace a template is published to (`publish`), a listing filtered by namespace
 * (`listing`), `?tenant=` of the account routes (`tenant`), or no target (`plain`).
 */
type Kind = 'template' | 'publish' | 'listing' | 'tenant' | 'plain'

interface Request {
  method?: string
  path: string
  json?: unknown
}

interface Sample {
  kind: Kind
  request(ctx: {
    target: Target
    ns: string
    world: World
    caller: Caller
    n: number
  }): Request | Promise<Request>
  /** Runs before an allowed call (restores what an earlier allowed call consumed). */
  prepare?(ctx: {target: Target; ns: string; world: World; caller: Caller}): Promise<void>
  /** The outcome when the permission is held, where the kind's rule is not enough. */
  outcome?(caller: Caller, target: Target): Outcome
}

const ref = (ns: string) => encodeURIComponent(`${ns}/${SHARED}`)
const tenantQuery = (target: Target) => (target === 'own' ? '' : `?tenant=${NAMESPACE[target]}`)

async function freshRefreshToken(world: World): Promise<string> {
  return (await login(world.server, 'acme-viewer', PASSWORD)).refresh_token
}

/** Publishes SHARED back into `ns` when an allowed delete took it away. */
async function republish(world: World, ns: string): Promise<void> {
  const token = ns === 'public' ? world.tokens.platform : world.tokens.editor
  await world.server.api(`/api/v1/templates?namespace=${ns}`, {
    headers: bearer(token),
    json: templateUpload({name: SHARED, version: VERSION[ns]}),
  })
}

const SAMPLES: Record<string, Sample> = {
  getTemplate: {kind: 'template', request: ({ns}) => ({path: `/api/v1/templates/${ref(ns)}`})},
  listTemplates: {kind: 'listing', request: ({ns}) => ({path: `/api/v1/templates?namespace=${ns}`})},
  createTemplate: {
    kind: 'publish',
    request: ({ns}) => ({
      method: 'POST',
      path: `/api/v1/templates?namespace=${ns}`,
      json: templateUpload({name: 'matrix-new'}),
    }),
  },
  searchTemplates: {
    kind: 'listing',
    request: ({ns}) => ({
      method: 'POST',
      path: '/api/v1/templates/search',
      json: {text: 'shared', namespace: ns},
    }),
  },
  updateTemplate: {
    kind: 'template',
    request: ({ns}) => ({
      method: 'PUT',
      path: `/api/v1/templates/${ref(ns)}`,
      json: templateUpload({name: SHARED, version: '9.0.0'}),
    }),
  },
  deleteTemplate: {
    kind: 'template',
    request: ({ns}) => ({method: 'DELETE', path: `/api/v1/templates/${ref(ns)}`}),
    prepare: ({world, ns}) => republish(world, ns),
  },
  restoreTemplate: {
    kind: 'template',
    request: ({ns}) => ({method: 'POST', path: `/api/v1/templates/${ref(ns)}/restore`}),
    // Only a deleted template can be restored: delete it first (the restore brings it back).
    prepare: async ({world, ns}) => {
      const token = ns === 'public' ? world.tokens.platform : world.tokens.editor
      await world.server.api(`/api/v1/templates/${ref(ns)}`, {method: 'DELETE', headers: bearer(token)})
    },
  },
  listVersions: {kind: 'template', request: ({ns}) => ({path: `/api/v1/templates/${ref(ns)}/versions`})},
  getTemplateVersion: {
    kind: 'template',
    request: ({ns}) => ({path: `/api/v1/templates/${ref(ns)}/versions/${VERSION[ns]}`}),
  },
  getTemplateFiles: {kind: 'template', request: ({ns}) => ({path: `/api/v1/templates/${ref(ns)}/files`})},
  instantiateTemplate: {
    kind: 'template',
    request: ({ns}) => ({method: 'POST', path: `/api/v1/templates/${ref(ns)}/instantiate`, json: {}}),
  },
  diffTemplateVersions: {
    kind: 'template',
    request: ({ns}) => ({
      method: 'POST',
      path: `/api/v1/templates/${ref(ns)}/diff`,
      json: {from: VERSION[ns], to: VERSION[ns]},
    }),
  },
  updateProject: {
    kind: 'template',
    request: ({ns}) => ({
      method: 'POST',
      path: `/api/v1/templates/${ref(ns)}/update`,
      json: {
        files: {
          '.maestro-answers.yaml': {
            content: `template: ${ns}/${SHARED}\nversion: ${VERSION[ns]}\ncommit: c\nanswers: {}\n`,
            encoding: 'utf8',
          },
        },
      },
    }),
  },
  listProjects: {kind: 'plain', request: () => ({path: '/api/v1/projects?outdated=true'})},
  registerProject: {
    kind: 'template',
    request: ({ns}) => ({
      method: 'POST',
      path: '/api/v1/projects',
      json: {template: `${ns}/${SHARED}`, version: VERSION[ns]},
    }),
  },
  validateTemplate: {
    kind: 'template',
    request: ({ns}) => ({method: 'POST', path: '/api/v1/quality/validate', json: {ref: `${ns}/${SHARED}`}}),
  },
  scoreTemplate: {
    kind: 'template',
    request: ({ns}) => ({method: 'POST', path: '/api/v1/quality/score', json: {ref: `${ns}/${SHARED}`}}),
  },
  qualityReport: {kind: 'plain', request: () => ({path: '/api/v1/quality/report'})},
  health: {kind: 'plain', request: () => ({path: '/health'})},
  metrics: {kind: 'plain', request: () => ({path: '/metrics'})},
  openapi: {kind: 'plain', request: () => ({path: '/openapi.json'})},
  docs: {kind: 'plain', request: () => ({path: '/docs'})},
  // Workflows: who may call each route; the tenant matrix over real workflows and
  // executions is test/integration/workflows/tenancy.test.ts.
  listWorkflows: {kind: 'plain', request: () => ({path: '/api/v1/workflows'})},
  createWorkflow: {
    kind: 'plain',
    // An upload without workflow.yaml: allowed callers get past the permission check to 422.
    request: () => ({
      method: 'POST',
      path: '/api/v1/workflows',
      json: {files: {'README.md': {content: 'no workflow', encoding: 'utf8'}}},
    }),
    outcome: () => 422,
  },
  getWorkflow: {kind: 'plain', request: () => ({path: '/api/v1/workflows/onboarding'}), outcome: () => 404},
  deleteWorkflow: {
    kind: 'plain',
    request: () => ({method: 'DELETE', path: '/api/v1/workflows/onboarding'}),
    outcome: () => 404,
  },
  executeWorkflow: {
    kind: 'plain',
    request: () => ({method: 'POST', path: '/api/v1/workflows/onboarding/execute'}),
    outcome: () => 404,
  },
  dryRunWorkflow: {
    kind: 'plain',
    request: () => ({method: 'POST', path: '/api/v1/workflows/onboarding/dry-run'}),
    outcome: () => 404,
  },
  listExecutions: {kind: 'plain', request: () => ({path: '/api/v1/executions'})},
  getExecution: {
    kind: 'plain',
    request: () => ({path: `/api/v1/executions/${NO_EXECUTION}`}),
    outcome: () => 404,
  },
  executionEvents: {
    kind: 'plain',
    request: () => ({path: `/api/v1/executions/${NO_EXECUTION}/events`}),
    outcome: () => 404,
  },
  cancelExecution: {
    kind: 'plain',
    request: () => ({method: 'POST', path: `/api/v1/executions/${NO_EXECUTION}/cancel`}),
    outcome: () => 404,
  },
  retryExecution: {
    kind: 'plain',
    request: () => ({method: 'POST', path: `/api/v1/executions/${NO_EXECUTION}/retry`}),
    outcome: () => 404,
  },
  executionResult: {
    kind: 'plain',
    request: () => ({path: `/api/v1/executions/${NO_EXECUTION}/result`}),
    outcome: () => 404,
  },
  adminStats: {kind: 'plain', request: () => ({path: '/api/v1/admin/stats'})},
  adminClearCache: {kind: 'plain', request: () => ({method: 'POST', path: '/api/v1/admin/cache/clear'})},
  adminReindex: {kind: 'plain', request: () => ({method: 'POST', path: '/api/v1/admin/reindex'})},
  adminGitSync: {
    kind: 'plain',
    // The public catalog's repository has no remote here: an allowed caller gets past the
    // permission check to 400 USAGE_ERROR ("no remote yet"), and nothing changes. The
    // success path is in git-sync.test.ts.
    request: () => ({method: 'POST', path: '/api/v1/admin/git/sync'}),
    outcome: () => 400,
  },
  adminGitSyncStatus: {kind: 'plain', request: () => ({path: '/api/v1/admin/git/sync'})},
  login: {
    kind: 'plain',
    request: () => ({
      method: 'POST',
      path: '/api/v1/auth/login',
      json: {username: 'admin', password: ADMIN_PASSWORD},
    }),
  },
  refreshToken: {
    kind: 'plain',
    request: async ({world}) => ({
      method: 'POST',
      path: '/api/v1/auth/refresh',
      json: {refresh_token: await freshRefreshToken(world)},
    }),
  },
  logout: {
    kind: 'plain',
    request: async ({world}) => ({
      method: 'POST',
      path: '/api/v1/auth/logout',
      json: {refresh_token: await freshRefreshToken(world)},
    }),
  },
  whoami: {kind: 'plain', request: () => ({path: '/api/v1/auth/me'})},
  changePassword: {
    kind: 'plain',
    // A wrong current password: allowed callers get 403 for it and nothing changes; the success path is in auth.test.ts.
    request: () => ({
      method: 'PUT',
      path: '/api/v1/auth/password',
      json: {current_password: 'not-the-password', new_password: 'another-password-123'},
    }),
    outcome: () => 403,
  },
  listApiTokens: {kind: 'plain', request: () => ({path: '/api/v1/auth/tokens'})},
  createApiToken: {
    kind: 'plain',
    request: () => ({method: 'POST', path: '/api/v1/auth/tokens', json: {name: 'ci'}}),
  },
  revokeApiToken: {
    kind: 'plain',
    // A token of acme's editor: its creator and acme's admin may revoke it; to anyone else it does not exist.
    request: async ({world}) => {
      const res = await world.server.api('/api/v1/auth/tokens', {
        headers: bearer(world.tokens.editor),
        json: {name: 'to-revoke'},
      })
      const {id} = (await res.json()) as {id: string}
      return {method: 'DELETE', path: `/api/v1/auth/tokens/${id}`}
    },
    outcome: (caller) => (caller === 'editor' || caller === 'admin' ? 'allow' : 404),
  },
  listTenants: {kind: 'plain', request: () => ({path: '/api/v1/admin/tenants'})},
  createTenant: {
    kind: 'plain',
    request: ({n}) => ({method: 'POST', path: '/api/v1/admin/tenants', json: {name: `matrix-${n}`}}),
  },
  listUsers: {kind: 'tenant', request: ({target}) => ({path: `/api/v1/admin/users${tenantQuery(target)}`})},
  createUser: {
    kind: 'tenant',
    request: ({target, n}) => ({
      method: 'POST',
      path: `/api/v1/admin/users${tenantQuery(target)}`,
      json: {username: `matrix-user-${n}`, password: PASSWORD, role: 'viewer'},
    }),
  },
  grantRole: {
    kind: 'tenant',
    request: ({target}) => ({
      method: 'PUT',
      path: `/api/v1/admin/users/matrix-victim/role${tenantQuery(target)}`,
      json: {role: 'viewer'},
    }),
  },
  resetPassword: {
    kind: 'plain',
    request: () => ({
      method: 'PUT',
      path: '/api/v1/admin/users/matrix-victim/password',
      json: {password: 'a-reset-password-123'},
    }),
  },
  revokeRole: {
    kind: 'tenant',
    request: ({target}) => ({
      method: 'DELETE',
      path: `/api/v1/admin/users/matrix-victim/role${tenantQuery(target)}`,
    }),
    // The victim holds a role in every tenant before an allowed revocation.
    prepare: async ({world}) => {
      for (const tenant of ['acme', 'globex', 'public'])
        await world.server.api(`/api/v1/admin/users/matrix-victim/role?tenant=${tenant}`, {
          method: 'PUT',
          headers: bearer(world.tokens.platform),
          json: {role: 'viewer'},
        })
    },
  },
}

function holds(caller: Caller, permission: Permission): boolean {
  try {
    authorize(CONTEXT[caller], permission)
    return true
  } catch {
    return false
  }
}

/** What the caller should get for this route and target. */
function expected(permission: Permission, sample: Sample, caller: Caller, target: Target): Outcome {
  if (!holds(caller, permission)) return caller === 'anonymous' ? 401 : 403
  if (sample.outcome) return sample.outcome(caller, target)
  const tenant = CONTEXT[caller].tenant
  const ns = NAMESPACE[target]
  const platform = caller === 'platform'
  switch (sample.kind) {
    case 'template': {
      // Readable: the caller's tenant and the public catalog; anything else does not exist.
      if (ns !== tenant && ns !== 'public') return 404
      const writes = permission === 'template:write'
      return writes && ns === 'public' && !platform ? 403 : 'allow'
    }
    case 'publish':
      if (ns === 'public') return platform ? 'allow' : 403
      return ns === tenant ? 'allow' : 403
    case 'tenant':
      return target === 'own' || platform ? 'allow' : 403
    default:
      return 'allow'
  }
}

/** Everything a denied request must leave as it was: the template store and the account tables. */
async function snapshot(server: TestServer): Promise<string> {
  const db = createDb({url: `sqlite:${join(server.config.home, 'index.db')}`})
  try {
    const tables: Record<string, unknown[]> = {}
    for (const table of ['tenants', 'users', 'role_grants', 'refresh_tokens', 'api_tokens']) {
      const {rows} = await sql<
        Record<string, unknown>
      >`SELECT * FROM ${sql.table(table)} ORDER BY 1, 2`.execute(db)
      // When a token was last used is bookkeeping, not an effect of the request.
      tables[table] = rows.map(({last_used_at: _l, ...row}) => row)
    }
    const revision = await (server.registry as unknown as {revision(): Promise<string>}).revision()
    return JSON.stringify({revision, tables})
  } finally {
    await db.destroy()
  }
}

const routes = allRoutes(100)

/** The route table: every route declares a permission and has a sample request. */
function routeTable(): void {
  describe('authorization matrix: the route table', () => {
    it('declares a known permission and has a sample request for every route', () => {
      for (const route of routes) {
        expect(PERMISSIONS, `${route.operationId} declares no known permission`).toContain(route.permission)
        expect(
          SAMPLES[route.operationId],
          `add a sample request for ${route.operationId} to ${import.meta.url}`,
        ).toBeDefined()
      }
    })
  })
}

/** The matrix of one route: every caller on every target. */
function routeMatrix(route: (typeof routes)[number]): void {
  describe(`authorization matrix: ${route.method.toUpperCase()} ${route.path}`, () => {
    it('allows or denies each caller on each target, leaks nothing and changes nothing when it denies', async () => {
      const sample = SAMPLES[route.operationId]
      if (!sample) throw new Error(`no sample request for ${route.operationId}`)
      const server = await startAuthServer({limits: {loginAttempts: 10_000}})
      const world = await buildWorld(server)
      // A user of acme, so that acme's admin may change its role.
      await server.api('/api/v1/admin/users?tenant=acme', {
        headers: bearer(world.tokens.platform),
        json: {username: 'matrix-victim', password: PASSWORD, role: 'viewer'},
      })
      const globexId = (
        (await (
          await server.api(`/api/v1/templates/${SHARED}`, {headers: bearer(world.tokens.globexAdmin)})
        ).json()) as {id: string}
      ).id
      const targets = sample.kind === 'plain' ? (['own'] as Target[]) : TARGETS
      let n = 0
      const cases = CALLERS.flatMap((caller) => targets.map((target) => ({caller, target})))
      // Denials first, on the untouched world; then the allowed calls, least privileged first.
      const ordered = [
        ...cases.filter((c) => expected(route.permission, sample, c.caller, c.target) !== 'allow'),
        ...cases.filter((c) => expected(route.permission, sample, c.caller, c.target) === 'allow'),
      ]
      for (const {caller, target} of ordered) {
        const want = expected(route.permission, sample, caller, target)
        const ctx = {target, ns: NAMESPACE[target], world, caller, n: n++}
        if (want === 'allow') await sample.prepare?.(ctx)
        const request = await sample.request(ctx)
        const before = want === 'allow' ? '' : await snapshot(server)
        const res = await server.api(request.path, {
          method: request.method ?? 'GET',
          headers: bearer(world.tokens[caller]),
          ...(request.json === undefined ? {} : {json: request.json}),
        })
        const text = await res.text()
        const label = `${caller} → ${target}: ${request.method ?? 'GET'} ${request.path} answered ${res.status} ${text.slice(0, 300)}`
        if (want === 'allow') {
          expect([401, 403, 404], label).not.toContain(res.status)
          expect(res.status < 400 || res.status === 501, label).toBe(true)
          if (caller !== 'platform') {
            expect(text, `${label}: leaks globex`).not.toContain(globexId)
            expect(text, `${label}: leaks globex`).not.toMatch(/"(namespace|tenant)":"globex"/)
          }
        } else {
          expect(res.status, label).toBe(want)
          expect(await snapshot(server), `${label}: a denied request changed something`).toBe(before)
          if (want === 401) expect(res.headers.get('www-authenticate'), label).toMatch(/^Bearer/)
        }
      }
    })
  })
}

/**
 * The user-and-role routes across tenants: a tenant admin reaches its own tenant's users
 * only, and every other name (another tenant's user, the platform admin, a user without a
 * role, a name no one has) gets the same answer, so the routes do not tell which exist.
 */
function usersAcrossTenants(): void {
  describe('authorization matrix: users and roles across tenants', () => {
    /** Acme's admin's view of each user; `own` is a user of acme. */
    const OTHERS = ['globex-admin', 'admin', 'matrix-orphan', 'no-such-user'] as const
    const OWN = 'acme-viewer'

    type Route = {name: string; request(username: string): Request}
    const ROUTES: Route[] = [
      {
        name: 'grant',
        request: (u) => ({method: 'PUT', path: `/api/v1/admin/users/${u}/role`, json: {role: 'editor'}}),
      },
      {name: 'revoke', request: (u) => ({method: 'DELETE', path: `/api/v1/admin/users/${u}/role`})},
      {
        name: 'password',
        request: (u) => ({
          method: 'PUT',
          path: `/api/v1/admin/users/${u}/password`,
          json: {password: 'a-reset-password-123'},
        }),
      },
    ]

    /** The answer with what differs by nature (the name echoed back, the request's id and path) taken out. */
    function sameness(text: string, username: string): string {
      const {request_id: _id, instance: _instance, ...body} = JSON.parse(text) as Record<string, unknown>
      if (typeof body.detail === 'string') body.detail = body.detail.replaceAll(`"${username}"`, '<user>')
      if (body.ref === username) body.ref = '<user>'
      return JSON.stringify(body)
    }

    async function send(world: World, token: string, request: Request) {
      const res = await world.server.api(request.path, {
        method: request.method ?? 'GET',
        headers: bearer(token),
        ...(request.json === undefined ? {} : {json: request.json}),
      })
      return {status: res.status, text: await res.text()}
    }

    it('gives a tenant admin its own users only, the same answer for every other name, and changes nothing outside', async () => {
      const server = await startAuthServer({limits: {loginAttempts: 10_000}})
      const world = await buildWorld(server)
      await server.api('/api/v1/admin/users', {
        headers: bearer(world.tokens.platform),
        json: {username: 'matrix-orphan', password: PASSWORD},
      })
      for (const route of ROUTES) {
        const answers = new Map<string, {status: number; text: string}>()
        for (const username of OTHERS) {
          const before = await snapshot(server)
          const answer = await send(world, world.tokens.admin, route.request(username))
          const label = `acme admin → ${route.name} ${username}: ${answer.status} ${answer.text}`
          expect([403, 404], label).toContain(answer.status)
          expect(await snapshot(server), `${label}: changed something`).toBe(before)
          answers.set(username, {status: answer.status, text: sameness(answer.text, username)})
        }
        const distinct = new Set([...answers.values()].map((a) => JSON.stringify(a)))
        expect(distinct.size, `${route.name}: ${JSON.stringify([...answers])}`).toBe(1)
      }
      // Its own users: the role changes; the password stays a platform admin's business.
      const granted = await send(world, world.tokens.admin, ROUTES[0]!.request(OWN))
      expect(granted.status, granted.text).toBe(200)
      expect(JSON.parse(granted.text).roles).toEqual([{tenant: 'acme', role: 'editor'}])
      expect((await send(world, world.tokens.admin, ROUTES[2]!.request(OWN))).status).toBe(403)
      expect((await send(world, world.tokens.admin, ROUTES[1]!.request(OWN))).status).toBe(200)

      // The report's case: the platform admin still signs in without naming a tenant.
      expect((await login(server, 'admin', ADMIN_PASSWORD)).access_token).toBeTruthy()
      // globex's admin cannot reach acme's users either.
      const foreign = await send(world, world.tokens.globexAdmin, ROUTES[0]!.request('acme-editor'))
      expect(foreign.status).toBe(404)

      // The listing shows acme's users only, and never another tenant's on request.
      const listed = await send(world, world.tokens.admin, {path: '/api/v1/admin/users'})
      expect(listed.status).toBe(200)
      const names = (JSON.parse(listed.text) as {items: {username: string}[]}).items.map((u) => u.username)
      expect(names.sort()).toEqual(['acme-admin', 'acme-editor'])
      expect(
        (await send(world, world.tokens.admin, {path: '/api/v1/admin/users?tenant=globex'})).status,
      ).toBe(403)
      // A tenant admin's new user lands in its tenant (viewer), within its reach.
      const created = await send(world, world.tokens.admin, {
        method: 'POST',
        path: '/api/v1/admin/users',
        json: {username: 'acme-newcomer', password: PASSWORD},
      })
      expect(created.status, created.text).toBe(201)
      expect(JSON.parse(created.text).roles).toEqual([{tenant: 'acme', role: 'viewer'}])

      // The platform admin is unaffected: it grants any user into any tenant.
      for (const username of ['globex-admin', 'matrix-orphan']) {
        const res = await send(world, world.tokens.platform, {
          method: 'PUT',
          path: `/api/v1/admin/users/${username}/role?tenant=acme`,
          json: {role: 'viewer'},
        })
        expect(res.status, res.text).toBe(200)
      }
      const unknown = await send(world, world.tokens.platform, ROUTES[0]!.request('no-such-user'))
      expect(unknown.status).toBe(404)
    })
  })
}

/**
 * The request stream's tenants, in the same world: the stream acts as whichever tenant a
 * request names (see src/events/handler.ts), so it must write only tenants the platform
 * registered (acme, globex), never a reserved one, and never create one.
 */
function streamAcrossTenants(): void {
  describe('authorization matrix: the request stream across tenants', () => {
    it('writes registered tenants only, refuses reserved and unknown ones, and creates no repository', async () => {
      const server = await startAuthServer()
      await buildWorld(server)
      const files = Object.fromEntries(
        [...templateFiles({name: 'stream-made'})].map(([path, bytes]) => [
          path,
          new TextDecoder().decode(bytes),
        ]),
      )
      const request = (tenant: string, operation: 'create' | 'delete' | 'retrieve') => ({
        request_id: `matrix-${tenant}-${operation}`,
        template_id: operation === 'retrieve' ? SHARED : 'stream-made',
        operation,
        tenant_id: tenant,
        user_id: 'ci-bot',
        parameters: operation === 'create' ? {files} : {},
        timestamp: String(Date.now()),
      })
      const outcome = async (tenant: string, operation: 'create' | 'delete' | 'retrieve') => {
        try {
          await executeRequest(server.registry, request(tenant, operation))
          return 'ok'
        } catch (err) {
          return (err as {code?: string}).code ?? String(err)
        }
      }
      const git = join(server.config.home, 'git')
      for (const tenant of ['nosuchtenant', 'local', 'public']) {
        const want = tenant === 'nosuchtenant' ? 'UNKNOWN_TENANT' : 'FORBIDDEN'
        const before = await snapshot(server)
        expect(await outcome(tenant, 'create'), tenant).toBe(want)
        expect(await outcome(tenant, 'delete'), tenant).toBe(want)
        expect(await snapshot(server), tenant).toBe(before)
      }
      expect(existsSync(join(git, 'nosuchtenant.git'))).toBe(false)
      expect(existsSync(join(git, 'local.git'))).toBe(false)
      // Registered tenants are written, each in its own repository; reads stay per tenant.
      for (const tenant of ['acme', 'globex']) {
        expect(await outcome(tenant, 'create'), tenant).toBe('ok')
        expect(await outcome(tenant, 'retrieve'), tenant).toBe('ok')
      }
      const acme = server.registry.withContext({tenant: 'acme', user: 'x', role: 'viewer'})
      expect((await acme.get('stream-made')).namespace).toBe('acme')
    })
  })
}

/**
 * Defines shard `shard` (1-based) of `shards`: each route's matrix starts a daemon and
 * builds its own world, so the parts are independent and the shards (one test file
 * each, auth-matrix-<n>.test.ts) run side by side in vitest's workers. Parts are dealt
 * round-robin so that every shard gets a similar mix of routes.
 */
export function authorizationMatrix(shard: number, shards: number): void {
  const parts: (() => void)[] = [
    routeTable,
    ...routes.map((route) => () => routeMatrix(route)),
    usersAcrossTenants,
    streamAcrossTenants,
  ]
  parts.filter((_part, i) => i % shards === shard - 1).forEach((part) => part())
}
