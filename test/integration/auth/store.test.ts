/**
 * The accounts store and service on each dialect: SQLite always, PostgreSQL when
 * MAESTRO_TEST_POSTGRES_URL is set (in a schema of its own, dropped afterwards). They
 * touch the authentication tables only, never template writes.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {Migrator, sql} from 'kysely'
import type {Kysely} from 'kysely'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {AuthenticationError, ForbiddenError} from '../../../src/auth/errors.js'
import type {AuthDatabase} from '../../../src/auth/schema.js'
import {AuthService} from '../../../src/auth/service.js'
import {AuthStore} from '../../../src/auth/store.js'
import {createDb} from '../../../src/db/database.js'
import {MIGRATIONS, migrateToLatest} from '../../../src/db/migrate.js'
import type {RequestContext} from '../../../src/registry/types.js'

const SECRET = 'Vq7#pL2!xR9@mK4$wT6^zN8&bH3*cJ5(dF1)gS0-'
const FAST = {N: 1024, r: 8, p: 1}
const PASSWORD = 'a-user-password-123'

interface Dialect {
  name: string
  skip: boolean
  open(): Promise<{db: Kysely<AuthDatabase>; close: () => Promise<void>}>
}

const postgresUrl = process.env.MAESTRO_TEST_POSTGRES_URL

const DIALECTS: Dialect[] = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'maestro-auth-'))
      const db = createDb({url: `sqlite:${join(dir, 'index.db')}`})
      await migrateToLatest(db)
      return {
        db: db as unknown as Kysely<AuthDatabase>,
        close: async () => {
          await db.destroy()
          rmSync(dir, {recursive: true, force: true})
        },
      }
    },
  },
  {
    name: 'postgres',
    skip: !postgresUrl,
    async open() {
      const schema = `maestro_test_auth_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
      const admin = createDb({url: postgresUrl})
      await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(admin)
      const url = new URL(postgresUrl!)
      url.searchParams.set('options', `-c search_path=${schema}`)
      const db = createDb({url: url.toString()})
      // kysely's Migrator looks for its own tables in every schema unless told which one:
      // other suites' schemas on the shared server would fool it.
      const migrator = new Migrator({
        db,
        provider: {getMigrations: async () => ({...MIGRATIONS})},
        migrationTableSchema: schema,
      })
      const close = async () => {
        await db.destroy()
        await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(admin)
        await admin.destroy()
      }
      const {error} = await migrator.migrateToLatest()
      if (error) {
        await close()
        throw error as Error
      }
      return {db: db as unknown as Kysely<AuthDatabase>, close}
    },
  },
]

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skip)(`AuthService (${dialect.name})`, () => {
    let close: (() => Promise<void>) | undefined
    let auth: AuthService
    let platform: RequestContext

    beforeEach(async () => {
      const opened = await dialect.open()
      close = opened.close
      auth = new AuthService(new AuthStore(opened.db), {secretKey: SECRET, scrypt: FAST})
      expect(await auth.bootstrap({username: 'root', password: 'root-password-123'})).toEqual({
        username: 'root',
        generatedPassword: null,
      })
      platform = {tenant: 'public', user: 'root', role: 'admin'}
      await auth.createTenant({name: 'acme'})
      await auth.createTenant({name: 'globex'})
      await auth.createUser(platform, {username: 'ana', password: PASSWORD, role: 'editor'}, 'acme')
      await auth.createUser(platform, {username: 'gil', password: PASSWORD, role: 'admin'}, 'globex')
    })
    afterEach(async () => {
      await close?.()
    })

    it('bootstraps once: a second call creates nothing', async () => {
      expect(await auth.bootstrap({username: 'other'})).toBeNull()
    })

    it('signs in to the only tenant, or to the one named when there are several', async () => {
      const pair = await auth.login({username: 'ana', password: PASSWORD})
      expect(pair).toMatchObject({tenant: 'acme', role: 'editor'})
      expect(await auth.authenticate(`Bearer ${pair.access_token}`)).toEqual({
        tenant: 'acme',
        user: 'ana',
        role: 'editor',
      })
      await auth.grant(platform, 'ana', 'viewer', 'globex')
      await expect(auth.login({username: 'ana', password: PASSWORD})).rejects.toThrow(/several tenants/)
      expect(await auth.login({username: 'ana', password: PASSWORD, tenant: 'globex'})).toMatchObject({
        role: 'viewer',
      })
      await expect(auth.login({username: 'ana', password: 'wrong-password-1'})).rejects.toBeInstanceOf(
        AuthenticationError,
      )
    })

    it('rotates refresh tokens; a reused one revokes the family; two concurrent refreshes: exactly one wins', async () => {
      const first = await auth.login({username: 'ana', password: PASSWORD})
      const second = await auth.refresh(first.refresh_token)
      await expect(auth.refresh(first.refresh_token)).rejects.toMatchObject({data: {reason: 'reused'}})
      await expect(auth.refresh(second.refresh_token)).rejects.toBeInstanceOf(AuthenticationError)

      const race = await auth.login({username: 'ana', password: PASSWORD})
      const results = await Promise.allSettled([
        auth.refresh(race.refresh_token),
        auth.refresh(race.refresh_token),
      ])
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    })

    it('takes the role from the grant as it is at refresh time', async () => {
      const pair = await auth.login({username: 'ana', password: PASSWORD})
      await auth.grant(platform, 'ana', 'viewer', 'acme')
      expect(await auth.refresh(pair.refresh_token)).toMatchObject({role: 'viewer'})
      await auth.revoke(platform, 'ana', 'acme')
      const again = await auth.login({username: 'ana', password: PASSWORD}).catch((e: unknown) => e)
      expect(again).toBeInstanceOf(ForbiddenError)
    })

    it('scopes API tokens to their tenant: listing, revoking and using them', async () => {
      const ana: RequestContext = {tenant: 'acme', user: 'ana', role: 'editor'}
      const gil: RequestContext = {tenant: 'globex', user: 'gil', role: 'admin'}
      const created = await auth.createApiToken(ana, {name: 'ci', expires_in_days: 30})
      expect(await auth.authenticate(`Bearer ${created.token}`)).toEqual({
        tenant: 'acme',
        user: 'ana',
        role: 'editor',
      })
      expect((await auth.listApiTokens(ana)).map((t) => t.id)).toEqual([created.id])
      expect(await auth.listApiTokens(gil)).toEqual([])
      await expect(auth.revokeApiToken(gil, created.id)).rejects.toMatchObject({code: 'NOT_FOUND'})
      await auth.revokeApiToken(ana, created.id)
      await expect(auth.authenticate(`Bearer ${created.token}`)).rejects.toBeInstanceOf(AuthenticationError)
    })

    it('refuses an expired API token', async () => {
      const past = new AuthService(auth.store, {
        secretKey: SECRET,
        scrypt: FAST,
        now: () => new Date(Date.now() - 3 * 86_400_000),
      })
      const created = await past.createApiToken(
        {tenant: 'acme', user: 'ana', role: 'editor'},
        {name: 'old', expires_in_days: 1},
      )
      await expect(auth.authenticate(`Bearer ${created.token}`)).rejects.toThrow(/expired/)
    })

    it("lets platform admins set a password, ending that user's logins; no one else", async () => {
      const pair = await auth.login({username: 'ana', password: PASSWORD})
      const gil: RequestContext = {tenant: 'globex', user: 'gil', role: 'admin'}
      await expect(auth.resetPassword(gil, 'ana', 'taken-over-password')).rejects.toBeInstanceOf(
        ForbiddenError,
      )
      await auth.resetPassword(platform, 'ana', 'a-new-password-456')
      await expect(auth.refresh(pair.refresh_token)).rejects.toBeInstanceOf(AuthenticationError)
      await expect(auth.login({username: 'ana', password: PASSWORD})).rejects.toBeInstanceOf(
        AuthenticationError,
      )
      expect(await auth.login({username: 'ana', password: 'a-new-password-456'})).toMatchObject({
        tenant: 'acme',
      })
    })

    it('keeps the last admin of a tenant', async () => {
      const gil: RequestContext = {tenant: 'globex', user: 'gil', role: 'admin'}
      await expect(auth.revoke(gil, 'gil')).rejects.toMatchObject({code: 'CONFLICT'})
      await expect(auth.grant(gil, 'gil', 'viewer')).rejects.toMatchObject({code: 'CONFLICT'})
    })

    it('refuses reserved and malformed tenant names and short passwords', async () => {
      for (const name of ['public', 'local', 'Bad Name', '-x'])
        await expect(auth.createTenant({name})).rejects.toMatchObject({status: expect.any(Number)})
      await expect(auth.createTenant({name: 'acme'})).rejects.toMatchObject({code: 'ALREADY_EXISTS'})
      await expect(auth.createUser(platform, {username: 'bob', password: 'short'})).rejects.toThrow(
        /12 characters/,
      )
    })
  })
}
