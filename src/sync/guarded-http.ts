/**
 * The HTTP client isomorphic-git uses for sync: node:http(s) whose DNS lookup is the
 * {@link RemotePolicy} check, so a socket only ever connects to an address that was
 * checked (no window for DNS rebinding), and whose redirects are followed by hand, each
 * hop checked again (and credentials never sent to another origin).
 */
import {request as httpRequest} from 'node:http'
import type {IncomingMessage, RequestOptions} from 'node:http'
import {request as httpsRequest} from 'node:https'
import {isIP} from 'node:net'
import type {LookupFunction} from 'node:net'
import {Readable} from 'node:stream'

import type {GitHttpRequest, GitHttpResponse, HttpClient} from 'isomorphic-git'

import {parseRemoteUrl, vetHost, type RemotePolicy} from './remote-policy.js'

const MAX_REDIRECTS = 5
/** Longest silence on a socket before the request is abandoned (ms). */
const IDLE_TIMEOUT_MS = 60_000

/**
 * An isomorphic-git `http` plugin that only reaches what `policy` allows.
 *
 * @example
 * ```ts
 * const http = guardedHttpClient({allowPrivate: false, allowedHosts: []})
 * await git.getRemoteInfo2({http, url: 'https://git.example.com/team.git'})
 * ```
 */
export function guardedHttpClient(policy: RemotePolicy): HttpClient {
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      let url = parseRemoteUrl(req.url)
      let headers = {...req.headers}
      const method = req.method ?? 'GET'
      for (let hop = 0; ; hop++) {
        // IP literals never reach a lookup function: check them here. Names are checked in `lookup`.
        await vetLiteral(url, policy)
        const res = await send(url, method, headers, req.body, policy, req.signal)
        const location = res.headers.location
        const redirect =
          location && [301, 302, 303, 307, 308].includes(res.statusCode ?? 0) && method === 'GET'
        if (!redirect || hop >= MAX_REDIRECTS) return toGitResponse(url, method, res)
        res.resume()
        const next = parseRemoteUrl(new URL(location, url).toString())
        if (next.origin !== url.origin) {
          // Never hand the remote's credentials to another origin.
          headers = Object.fromEntries(
            Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'),
          )
        }
        url = next
      }
    },
  }
}

async function vetLiteral(url: URL, policy: RemotePolicy): Promise<void> {
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) await vetHost(url.hostname, policy)
}

/** A lookup that resolves, checks every address and hands the socket only those. */
function policyLookup(policy: RemotePolicy): LookupFunction {
  return (hostname, options, callback) => {
    vetHost(hostname, policy).then(
      (addresses) => {
        const wanted =
          options.family === 4 || options.family === 6
            ? addresses.filter((a) => a.family === options.family)
            : addresses
        if (options.all) (callback as (e: null, a: typeof addresses) => void)(null, wanted)
        else if (wanted[0]) callback(null, wanted[0].address, wanted[0].family)
        else
          callback(
            Object.assign(new Error(`${hostname} has no IPv${options.family} address`), {code: 'ENOTFOUND'}),
            '',
            0,
          )
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    )
  }
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: AsyncIterableIterator<Uint8Array> | undefined,
  policy: RemotePolicy,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const options: RequestOptions = {
    method,
    headers,
    lookup: policyLookup(policy),
    // A fresh connection per request: a pooled socket would skip the lookup.
    agent: false,
    ...(signal ? {signal} : {}),
  }
  const make = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = make(url, options, resolve)
    req.on('error', reject)
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new Error(`no answer from ${url.host} for ${IDLE_TIMEOUT_MS / 1000} s`)),
    )
    if (body) Readable.from(body).on('error', reject).pipe(req)
    else req.end()
  })
}

function toGitResponse(url: URL, method: string, res: IncomingMessage): GitHttpResponse {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return {
    url: url.toString(),
    method,
    statusCode: res.statusCode ?? 0,
    statusMessage: res.statusMessage ?? '',
    headers,
    body: res[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
  }
}
