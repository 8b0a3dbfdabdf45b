import {describe, expect, it} from 'vitest'

import {MemoryCache} from '../../../src/cache/cache.js'
import {ResponseCache, notifyingCache} from '../../../src/server/response-cache.js'
import {methodsForPath} from '../../../src/server/route.js'
import {refFrom} from '../../../src/server/routes/templates.js'

describe('ResponseCache', () => {
  it('serves what was put, per tenant, with a strong ETag', () => {
    const cache = new ResponseCache()
    const entry = cache.put('acme', '/api/v1/templates/x', '{"name":"x"}', cache.generation)
    expect(entry.etag).toMatch(/^"[\w-]+"$/)
    expect(cache.get('acme', '/api/v1/templates/x')?.body.toString()).toBe('{"name":"x"}')
    expect(cache.get('other', '/api/v1/templates/x')).toBeUndefined()
    expect(cache.stats()).toEqual({hits: 1, misses: 1, entries: 1})
  })

  it('never stores an answer computed before an invalidation', () => {
    const cache = new ResponseCache()
    const generation = cache.generation
    cache.clear() // a write lands while the read is in flight
    cache.put('acme', '/x', '{"stale":true}', generation)
    expect(cache.get('acme', '/x')).toBeUndefined()
  })

  it('expires entries and stays within its size', async () => {
    const short = new ResponseCache({ttlMs: 5})
    short.put('t', '/x', '{}', short.generation)
    await new Promise((resolve) => setTimeout(resolve, 15))
    expect(short.get('t', '/x')).toBeUndefined()
    const small = new ResponseCache({maxEntries: 2})
    for (const url of ['/a', '/b', '/c']) small.put('t', url, '{}', small.generation)
    expect(small.stats().entries).toBe(2)
    expect(small.get('t', '/a')).toBeUndefined()
  })

  it('is cleared by whatever invalidates the registry cache it is wired to', async () => {
    const responses = new ResponseCache()
    const cache = notifyingCache(new MemoryCache(), () => responses.clear())
    responses.put('t', '/x', '{}', responses.generation)
    await cache.invalidate('public')
    expect(responses.get('t', '/x')).toBeUndefined()
    responses.put('t', '/x', '{}', responses.generation)
    await cache.clear()
    expect(responses.stats().entries).toBe(0)
  })
})

describe('route helpers', () => {
  it('tells which methods a path has, for 405 answers', () => {
    const allowed = methodsForPath([
      {method: 'get', path: '/api/v1/templates/{id}'},
      {method: 'delete', path: '/api/v1/templates/{id}'},
      {method: 'get', path: '/api/v1/templates'},
    ])
    expect(allowed('/api/v1/templates/x')).toEqual(['GET', 'DELETE'])
    expect(allowed('/api/v1/templates/x/y')).toEqual([])
    expect(allowed('/api/v1/templates')).toEqual(['GET'])
  })

  it('builds a reference from the path and the query, each said once', () => {
    expect(refFrom('x', {})).toBe('x')
    expect(refFrom('x', {version: '^1'})).toBe('x@^1')
    expect(refFrom('x', {namespace: 'acme', version: '1.0.0'})).toBe('acme/x@1.0.0')
    expect(() => refFrom('x@1', {version: '2'})).toThrow(/version once/)
    expect(() => refFrom('acme/x', {namespace: 'acme'})).toThrow(/namespace once/)
    expect(() => refFrom('0b8e1c9a-2f3d-4c5e-8a7b-1c2d3e4f5a6b', {namespace: 'acme'})).toThrow(
      /namespace once/,
    )
    expect(refFrom('0B8E1C9A-2F3D-4C5E-8A7B-1C2D3E4F5A6B', {version: '^2'})).toBe(
      '0b8e1c9a-2f3d-4c5e-8a7b-1c2d3e4f5a6b@^2',
    )
    expect(() => refFrom('Not_A_Name', {version: '1.0.0'})).toThrow(/not a template reference/)
  })
})
