import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

import {describe, expect, it} from 'vitest'

import {loadConfig} from '../../src/config.js'

describe('configuration', () => {
  it('takes a leading ~ in MAESTRO_HOME from the home directory, as .env.example writes it', () => {
    expect(loadConfig({MAESTRO_HOME: '~/.maestro'}).home).toBe(join(homedir(), '.maestro'))
    expect(loadConfig({MAESTRO_HOME: '~'}).home).toBe(homedir())
  })

  it('resolves other paths against the working directory and leaves ~user alone', () => {
    expect(loadConfig({MAESTRO_HOME: 'store'}).home).toBe(resolve('store'))
    expect(loadConfig({MAESTRO_HOME: '~other/store'}).home).toBe(resolve('~other/store'))
  })

  it('refuses a flag that is neither true nor false, naming it', () => {
    expect(() => loadConfig({MAESTRO_HOME: '/tmp/x', ENABLE_RBAC: 'maybe'})).toThrow(/ENABLE_RBAC/)
  })
})
