/**
 * The SDK against a daemon with RBAC on: a 401 answer is an AuthenticationError, a 403 a
 * ForbiddenError (both MaestroErrors with their codes), so a program can tell "sign in
 * again" from "not allowed" with instanceof.
 */
import {describe, expect, it} from 'vitest'

import {TemplateClient} from '../../../packages/client/src/index.js'
import {AuthenticationError, ForbiddenError, MaestroError} from '../../../src/domain/errors.js'
import {buildWorld, startAuthServer} from './auth-support.js'

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a failure')
}

describe('SDK errors for authentication and authorization', () => {
  it('401 is an AuthenticationError, 403 a ForbiddenError', async () => {
    const world = await buildWorld(await startAuthServer())
    const url = world.server.url

    const forged = new TemplateClient({baseUrl: url, token: 'not-a-token'})
    const unauthenticated = await failure(forged.stats())
    expect(unauthenticated).toBeInstanceOf(AuthenticationError)
    expect(unauthenticated).toBeInstanceOf(MaestroError)
    expect(unauthenticated).toMatchObject({code: 'UNAUTHENTICATED', status: 401})
    const anonymous = new TemplateClient({baseUrl: url})
    expect(await failure(anonymous.stats())).toBeInstanceOf(AuthenticationError)
    const login = await failure(anonymous.login({username: 'admin', password: 'wrong password'}))
    expect(login).toBeInstanceOf(AuthenticationError)

    const viewer = new TemplateClient({baseUrl: url, token: world.tokens.viewer})
    const forbidden = await failure(viewer.stats())
    expect(forbidden).toBeInstanceOf(ForbiddenError)
    expect(forbidden).not.toBeInstanceOf(AuthenticationError)
    expect(forbidden).toMatchObject({code: 'FORBIDDEN', status: 403})

    // And the typed stats, for an admin.
    const admin = new TemplateClient({baseUrl: url, token: world.tokens.platform})
    const stats = await admin.stats()
    expect(stats.templates).toBeGreaterThan(0)
    expect(stats.categories?.backend_developer).toBeGreaterThan(0)
    for (const client of [forged, anonymous, viewer, admin]) await client.close()
  })
})
