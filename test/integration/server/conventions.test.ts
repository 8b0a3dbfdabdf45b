import {describe, expect, it} from 'vitest'

import {SHARED, bearer, buildWorld, startAuthServer} from './auth-support.js'
import {expectProblem, expectSchema} from './support.js'

/** HTTP conventions the original service's clients and caches rely on (issue 21). */
describe('daemon: HTTP conventions', () => {
  it('template reads carry an ETag, answer If-None-Match with 304, and exact versions are cacheable', async () => {
    const {server, tokens} = await buildWorld(await startAuthServer())
    const read = (path: string, token?: string, headers: Record<string, string> = {}) =>
      server.api(path, {headers: {...bearer(token), ...headers}})

    // Twice each: the first answer comes from express, the second from the hot path's cache.
    for (const round of [1, 2]) {
      const exact = await read(`/api/v1/templates/${SHARED}@3.0.0`)
      expect(exact.status, `round ${round}`).toBe(200)
      expect((await exact.json()).version).toBe('3.0.0')
      expect(exact.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
      expect(exact.headers.get('vary')).toBe('Authorization')
      const etag = exact.headers.get('etag')!
      expect(etag).toMatch(/^"[\w-]+"$/)

      for (const held of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const again = await read(`/api/v1/templates/${SHARED}@3.0.0`, undefined, {'if-none-match': held})
        expect(again.status, held).toBe(304)
        expect(again.headers.get('etag')).toBe(etag)
        expect(again.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
        expect(await again.text()).toBe('')
      }
      const changed = await read(`/api/v1/templates/${SHARED}@3.0.0`, undefined, {'if-none-match': '"other"'})
      expect(changed.status).toBe(200)

      const version = await read(`/api/v1/templates/${SHARED}/versions/3.0.0`)
      expect(version.headers.get('cache-control')).toBe('public, max-age=86400, immutable')
      const query = await read(`/api/v1/templates/${SHARED}?version=3.0.0`)
      expect(query.headers.get('cache-control')).toBe('public, max-age=86400, immutable')

      // The latest version, or a range, may answer differently tomorrow: revalidate each time.
      for (const moving of [
        SHARED,
        `${SHARED}@${encodeURIComponent('^3')}`,
        `${SHARED}/versions/${encodeURIComponent('~3.0')}`,
      ]) {
        const res = await read(`/api/v1/templates/${moving}`)
        expect(res.status, moving).toBe(200)
        expect(res.headers.get('cache-control'), moving).toBe('no-cache')
        expect(res.headers.get('etag'), moving).toMatch(/^"/)
        const held = await read(`/api/v1/templates/${moving}`, undefined, {
          'if-none-match': res.headers.get('etag')!,
        })
        expect(held.status, moving).toBe(304)
      }

      // A tenant's own template, and anything a signed-in caller reads, is for that caller only.
      const tenant = await read(`/api/v1/templates/${SHARED}@1.0.0`, tokens.viewer)
      expect(tenant.status).toBe(200)
      expect((await tenant.json()).namespace).toBe('acme')
      expect(tenant.headers.get('cache-control')).toBe('private, max-age=86400, immutable')
      const signedIn = await read(`/api/v1/templates/public%2F${SHARED}@3.0.0`, tokens.platform)
      expect(signedIn.status).toBe(200)
      expect(signedIn.headers.get('cache-control')).toBe('private, max-age=86400, immutable')
    }
  })

  it('POST /templates/search takes the words as query (the original service) or text', async () => {
    const {server} = await buildWorld(await startAuthServer())
    const search = (body: unknown) => server.api('/api/v1/templates/search', {json: body})
    const byText = await (await search({text: 'public-only'})).json()
    expectSchema(byText, 'SearchResult')
    expect(byText.items.map((i: {name: string}) => i.name)).toEqual(['public-only'])
    const byQuery = await search({query: 'public-only', limit: 5})
    expect(byQuery.status).toBe(200)
    const found = await byQuery.json()
    expectSchema(found, 'SearchResult')
    expect(found.items).toEqual(byText.items)
    expect((await search({query: 'public-only', text: 'public-only'})).status).toBe(200)
    const both = await expectProblem(await search({query: 'public', text: 'shared'}), 400, 'USAGE_ERROR')
    expect(both.detail).toMatch(/text or as query/)
  })
})
