import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'

import {
  createDb,
  DEFAULT_POOL,
  DEFAULT_SQLITE_PATH,
  dialectOf,
  indexDbConfig,
  parseDbUrl,
  redactDbUrl,
} from '../../../src/db/database.js'
import {loadConfig} from '../../../src/config.js'
import {UsageError} from '../../../src/domain/errors.js'

describe('parseDbUrl', () => {
  it.each([
    [undefined, DEFAULT_SQLITE_PATH],
    ['', DEFAULT_SQLITE_PATH],
    ['sqlite:/var/lib/maestro/index.db', '/var/lib/maestro/index.db'],
    ['sqlite:///var/lib/maestro/index.db', '/var/lib/maestro/index.db'],
    ['sqlite:./index.db', resolve('index.db')],
    ['sqlite://./index.db', resolve('index.db')],
    ['sqlite::memory:', ':memory:'],
    [':memory:', ':memory:'],
    ['/tmp/x.db', '/tmp/x.db'],
    ['data/x.db', resolve('data/x.db')],
    ['~/m/index.db', join(homedir(), 'm/index.db')],
  ])('reads %j as SQLite at %s', (url, path) => {
    expect(parseDbUrl(url)).toEqual({dialect: 'sqlite', path})
  })

  it('reads postgres URLs', () => {
    expect(parseDbUrl('postgres://u:p@db:5432/maestro')).toEqual({
      dialect: 'postgres',
      url: 'postgres://u:p@db:5432/maestro',
    })
    expect(parseDbUrl('postgresql://db/maestro')).toEqual({
      dialect: 'postgres',
      url: 'postgresql://db/maestro',
    })
  })

  it('refuses other schemes without echoing the password', () => {
    expect(() => parseDbUrl('mysql://root:hunter2@db/x')).toThrow(UsageError)
    expect(() => parseDbUrl('mysql://root:hunter2@db/x')).toThrow(/root:\*\*\*@db/)
    expect(() => parseDbUrl('sqlite:')).toThrow(UsageError)
  })
})

describe('createDb', () => {
  it('picks the dialect from the URL without connecting', async () => {
    const pg = createDb({url: 'postgres://nobody@127.0.0.1:1/none'})
    const lite = createDb({url: ':memory:'})
    expect(dialectOf(pg)).toBe('postgres')
    expect(dialectOf(lite)).toBe('sqlite')
    await lite.destroy()
    await pg.destroy()
  })
})

describe('indexDbConfig and the pool settings', () => {
  it('names DATABASE_URL, else index.db in the store, and masks passwords for output', () => {
    expect(indexDbConfig({home: '/srv/maestro'})).toEqual({url: 'sqlite:/srv/maestro/index.db'})
    expect(indexDbConfig({home: '/srv/maestro', databaseUrl: 'postgres://a@db/m'})).toEqual({
      url: 'postgres://a@db/m',
    })
    expect(redactDbUrl('postgres://app:s3cret@db:5432/maestro')).toBe('postgres://app:***@db:5432/maestro')
  })

  it('reads the pool from the environment, with defaults, and refuses nonsense', () => {
    expect(loadConfig({MAESTRO_HOME: '/tmp/x'}).databasePool).toEqual(DEFAULT_POOL)
    const config = loadConfig({
      MAESTRO_HOME: '/tmp/x',
      DATABASE_POOL_MAX: '25',
      DATABASE_POOL_IDLE_TIMEOUT_MS: '5000',
      DATABASE_POOL_CONNECTION_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
    })
    expect(config.databasePool).toEqual({
      max: 25,
      idleTimeoutMs: 5000,
      connectionTimeoutMs: 2000,
      statementTimeoutMs: 0,
    })
    expect(() => loadConfig({MAESTRO_HOME: '/tmp/x', DATABASE_POOL_MAX: '0'})).toThrow(/DATABASE_POOL_MAX/)
    expect(() => loadConfig({MAESTRO_HOME: '/tmp/x', DATABASE_STATEMENT_TIMEOUT_MS: 'soon'})).toThrow(
      /DATABASE_STATEMENT_TIMEOUT_MS/,
    )
  })
})
