// @vitest-environment node
import {describe, expect, it, vi} from 'vitest'
import {ApiError, api, buildUrl} from './api'

function mockFetch(status: number, body: unknown) {
  const fetchMock = vi.fn<typeof fetch>(
    async () =>
      new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: {'Content-Type': 'application/json'},
      }),
  )
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

describe('buildUrl', () => {
  it('joins base and path and drops undefined query values', () => {
    expect(buildUrl('/api/', '/users', {page: 2, q: 'a b', draft: undefined})).toBe(
      '/api/users?page=2&q=a+b',
    )
  })
})

describe('api', () => {
  it('sends JSON and parses JSON responses', async () => {
    const fetchMock = mockFetch(201, {id: 1, name: 'Ada'})
    const options = {baseUrl: 'https://example.test/api'}
    const created = await api.post<{id: number; name: string}>('/users', {name: 'Ada'}, options)

    expect(created).toEqual({id: 1, name: 'Ada'})
    const [url, init] = fetchMock.mock.calls[0]!
    expect(url).toBe('https://example.test/api/users')
    expect(init?.method).toBe('POST')
    expect(init?.body).toBe('{"name":"Ada"}')
    expect(new Headers(init?.headers).get('Content-Type')).toBe('application/json')
  })

  it('throws ApiError with status and body on failure', async () => {
    mockFetch(404, {detail: 'not found'})
    const error = await api.get('/missing', {baseUrl: '/api'}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({status: 404, body: {detail: 'not found'}})
  })

  it('returns undefined for empty responses', async () => {
    mockFetch(204, undefined)
    await expect(api.delete('/users/1', {baseUrl: '/api'})).resolves.toBeUndefined()
  })
})
