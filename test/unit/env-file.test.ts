import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadEnvFile} from '../../src/config.js'
import {tempDir} from '../helpers/temp.js'

describe('loadEnvFile', () => {
  it("reads the store's .env, never overriding a variable already set, and never moving the store", () => {
    const home = tempDir()
    writeFileSync(
      join(home, '.env'),
      'DATABASE_URL=sqlite:/tmp/x.db\nSERVICE_PORT=9001\nMAESTRO_HOME=/elsewhere\n',
    )
    const env: NodeJS.ProcessEnv = {SERVICE_PORT: '8005'}
    expect(loadEnvFile({home}, env)).toBe(join(home, '.env'))
    expect(env).toEqual({SERVICE_PORT: '8005', DATABASE_URL: 'sqlite:/tmp/x.db'})
  })

  it('reads nothing when the store has no .env, whatever the working directory holds', () => {
    const home = tempDir()
    mkdirSync(join(home, 'sub'))
    const env: NodeJS.ProcessEnv = {}
    expect(loadEnvFile({home: join(home, 'sub')}, env)).toBeUndefined()
    expect(env).toEqual({})
  })

  it('reads the file named explicitly, which may choose the store, and refuses a missing one', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'maestro.env'), 'MAESTRO_HOME=/srv/maestro\n')
    const env: NodeJS.ProcessEnv = {}
    loadEnvFile({envFile: join(dir, 'maestro.env'), home: dir}, env)
    expect(env.MAESTRO_HOME).toBe('/srv/maestro')
    expect(() => loadEnvFile({envFile: join(dir, 'missing.env')}, {})).toThrow(/missing\.env not found/)
  })
})
