/**
 * A small typed HTTP client over fetch: JSON in and out, timeouts, query strings and
 * errors that carry the status and response body.
 *
 *   const users = await api.get<User[]>('/users', {query: {page: 2}})
 */

export const API_BASE_URL: string = import.meta.env.VITE_API_BASE_URL ?? '{{ api_base_url }}'

export class ApiError extends Error {
  readonly status: number
  readonly body: unknown

  constructor(status: number, message: string, body: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }
}

export type Query = Record<string, string | number | boolean | undefined>

export interface RequestOptions extends Omit<RequestInit, 'body'> {
  /** Serialised as JSON. */
  body?: unknown
  query?: Query
  /** Abort the request after this many milliseconds (default 10 000). */
  timeoutMs?: number
  /** Override the base URL (defaults to VITE_API_BASE_URL or {{ api_base_url }}). */
  baseUrl?: string
}

export function buildUrl(baseUrl: string, path: string, query?: Query): string {
  const url = `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${url}?${search}` : url
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const {
    body,
    query,
    timeoutMs = 10_000,
    baseUrl = API_BASE_URL,
    headers,
    signal,
    ...init
  } = options
  const url = buildUrl(baseUrl, path, query)

  const finalHeaders = new Headers(headers)
  if (!finalHeaders.has('Accept')) finalHeaders.set('Accept', 'application/json')
  if (body !== undefined && !finalHeaders.has('Content-Type')) {
    finalHeaders.set('Content-Type', 'application/json')
  }
  const timeout = AbortSignal.timeout(timeoutMs)

  const response = await fetch(url, {
    ...init,
    headers: finalHeaders,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  })

  const text = await response.text()
  const isJson = response.headers.get('Content-Type')?.includes('json') ?? false
  const data: unknown = text && isJson ? JSON.parse(text) : text || undefined
  if (!response.ok) {
    const method = init.method ?? 'GET'
    throw new ApiError(response.status, `${method} ${url} failed: ${response.status}`, data)
  }
  return data as T
}

type Options = Omit<RequestOptions, 'method'>

export const api = {
  get: <T>(path: string, options?: Options) => request<T>(path, {...options, method: 'GET'}),
  post: <T>(path: string, body?: unknown, options?: Options) =>
    request<T>(path, {...options, body, method: 'POST'}),
  put: <T>(path: string, body?: unknown, options?: Options) =>
    request<T>(path, {...options, body, method: 'PUT'}),
  patch: <T>(path: string, body?: unknown, options?: Options) =>
    request<T>(path, {...options, body, method: 'PATCH'}),
  delete: <T = void>(path: string, options?: Options) =>
    request<T>(path, {...options, method: 'DELETE'}),
}
