import {mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import type {TokenPair} from '../../../src/auth/service.js'
import {
  bearerToken,
  credentialsPath,
  loadLogin,
  removeLogin,
  saveLogin,
} from '../../../src/cli/credentials.js'
import {tempDir} from '../../helpers/temp.js'

const pair = (n: number): TokenPair => ({
  access_token: `access-${n}`,
  token_type: 'Bearer',
  expires_in: 1800,
  refresh_token: `mtr_refresh-${n}`,
  refresh_expires_in: 86400,
  username: 'ana',
  tenant: 'acme',
  role: 'editor',
})

describe('credentials file', () => {
  it('is written 0600 in a folder made (or tightened to) 0700, one entry per daemon', () => {
    const env = {XDG_CONFIG_HOME: tempDir()}
    mkdirSync(join(env.XDG_CONFIG_HOME, 'maestro-tpl'), {mode: 0o755})
    saveLogin('http://localhost:8005/', pair(1), env)
    saveLogin('http://other:8005/api/v1', pair(2), env)
    expect(statSync(credentialsPath(env)).mode & 0o777).toBe(0o600)
    expect(statSync(join(env.XDG_CONFIG_HOME, 'maestro-tpl')).mode & 0o777).toBe(0o700)
    expect(loadLogin('http://localhost:8005', env)?.access_token).toBe('access-1')
    expect(loadLogin('http://other:8005', env)?.access_token).toBe('access-2')
    expect(removeLogin('http://localhost:8005', env)?.refresh_token).toBe('mtr_refresh-1')
    expect(Object.keys(JSON.parse(readFileSync(credentialsPath(env), 'utf8')).remotes)).toEqual([
      'http://other:8005',
    ])
  })

  it('refuses a credentials folder that is a symbolic link', () => {
    const env = {XDG_CONFIG_HOME: tempDir()}
    const elsewhere = tempDir()
    symlinkSync(elsewhere, join(env.XDG_CONFIG_HOME, 'maestro-tpl'))
    expect(() => saveLogin('http://localhost:8005', pair(1), env)).toThrow(/symbolic link/)
  })

  it('says what to do with a corrupt file', () => {
    const env = {XDG_CONFIG_HOME: tempDir()}
    mkdirSync(join(env.XDG_CONFIG_HOME, 'maestro-tpl'))
    writeFileSync(credentialsPath(env), '{not json')
    expect(() => loadLogin('http://localhost:8005', env)).toThrow(/delete it and run `maestro-tpl login`/)
  })
})

describe('bearerToken', () => {
  it('prefers MAESTRO_TOKEN, uses a live access token, and renews an expired one once', async () => {
    const env: Record<string, string> = {XDG_CONFIG_HOME: tempDir()}
    const url = 'http://localhost:8005'
    const refreshed: string[] = []
    const refresh = async (token: string) => (refreshed.push(token), pair(2))
    expect(await bearerToken(url, refresh, env)).toBeUndefined()
    saveLogin(url, pair(1), env, Date.now())
    expect(await bearerToken(url, refresh, env)).toBe('access-1')
    expect(await bearerToken(url, refresh, {...env, MAESTRO_TOKEN: 'mtp_ci'})).toBe('mtp_ci')
    expect(await bearerToken(url, refresh, env, Date.now() + 1800_000)).toBe('access-2')
    expect(refreshed).toEqual(['mtr_refresh-1'])
    expect(loadLogin(url, env)?.refresh_token).toBe('mtr_refresh-2')
  })

  it('forgets a login the daemon no longer honours and says to sign in again', async () => {
    const env: Record<string, string> = {XDG_CONFIG_HOME: tempDir()}
    const url = 'http://localhost:8005'
    saveLogin(url, pair(1), env, 0)
    const refused = Object.assign(new Error('revoked'), {code: 'UNAUTHENTICATED'})
    await expect(bearerToken(url, () => Promise.reject(refused), env)).rejects.toThrow(/sign in again/)
    expect(loadLogin(url, env)).toBeUndefined()
  })
})
