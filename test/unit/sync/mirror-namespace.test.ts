import {mkdirSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  assertMirrorNamespace,
  mirrorNamespaceFor,
  mirrorNamespaces,
} from '../../../src/sync/mirror-namespace.js'
import {tempDir} from '../../helpers/temp.js'

describe('mirror namespaces', () => {
  it('are named after the daemon host and port by default', () => {
    expect(mirrorNamespaceFor('https://templates.example.com')).toBe('mirror-templates-example-com')
    expect(mirrorNamespaceFor('http://127.0.0.1:8005/api/v1')).toBe('mirror-127-0-0-1-8005')
    expect(mirrorNamespaceFor('http://[::1]:8005')).toBe('mirror-1-8005')
    expect(mirrorNamespaceFor(`https://${'a'.repeat(80)}.example.com`)).toHaveLength(63)
    expect(() => mirrorNamespaceFor('not a url')).toThrow(/URL of a maestro-tpl daemon/)
  })

  it('must start with mirror- when chosen with --into', () => {
    expect(assertMirrorNamespace('mirror-team')).toBe('mirror-team')
    expect(() => assertMirrorNamespace('local')).toThrow(/mirror namespace/)
    expect(() => assertMirrorNamespace('mirror-Team')).toThrow(/mirror namespace/)
    expect(() => assertMirrorNamespace(`mirror-${'x'.repeat(60)}`)).toThrow(/63 characters/)
  })

  it('are found in a store by their repositories', () => {
    const home = tempDir()
    expect(mirrorNamespaces(home)).toEqual([])
    for (const dir of ['local.git', 'mirror-b.git', 'mirror-a.git', 'public.git', 'mirror-a.lock'])
      mkdirSync(join(home, 'git', dir), {recursive: true})
    expect(mirrorNamespaces(home)).toEqual(['mirror-a', 'mirror-b'])
  })
})
