/**
 * Which git remotes a sync may reach: a guard against server-side request forgery.
 *
 * A remote URL is refused when its host is, or resolves to, an address that is not a
 * public unicast one (loopback, private, link-local incl. cloud metadata, CGNAT,
 * unspecified, multicast, reserved, and the IPv4-mapped, IPv4-compatible, NAT64 and
 * 6to4 IPv6 forms of those), unless the policy allows private addresses or names the
 * host. Link-local and cloud metadata addresses (and metadata service names) are refused
 * even when private addresses are allowed: only naming them lets them through. Every resolved address is checked, not just the first, and the HTTP client of
 * {@link guardedHttpClient} connects only to the addresses it checked (the check *is*
 * the DNS lookup the socket uses), so a DNS answer that changes between check and
 * connect, or a redirect to another host, cannot get past it.
 */
import {promises as dns} from 'node:dns'
import type {LookupAddress} from 'node:dns'
import {isIP} from 'node:net'

import {MaestroError, UsageError} from '../domain/errors.js'

/** What kind of address an IP is; only `public` may be reached without an opt-in. */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'cgnat'
  | 'multicast'
  | 'reserved'

/**
 * Classes never reached without naming them in `allowedHosts`, even when private addresses
 * are allowed: no git server lives on a link-local address, and a cloud metadata service
 * hands out the machine's credentials.
 */
const NEVER_BY_DEFAULT: ReadonlySet<AddressClass> = new Set(['link-local', 'metadata'])

/** Names of cloud metadata services (GCP, Azure, AWS, OpenStack...): refused before any lookup. */
const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
])

/** Resolves a host name to every address it has (dns.lookup with `all`, by default). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>

/** Which remotes a sync may reach. */
export interface RemotePolicy {
  /**
   * Allow private, loopback and other non-public addresses (the local CLI's default); never
   * link-local or cloud metadata ones, which only `allowedHosts` lets through.
   */
  readonly allowPrivate: boolean
  /**
   * Hosts allowed whatever they resolve to: host names (exact, case-insensitive), IP
   * addresses, or CIDR ranges matched against the resolved addresses (`10.1.0.0/16`).
   */
  readonly allowedHosts: readonly string[]
  /** How host names are resolved (tests resolve a made-up name to 127.0.0.1). */
  readonly resolve?: Resolver
}

/** The remote's host is, or resolves to, an address the policy does not allow. */
export class SyncRemoteNotAllowedError extends MaestroError {
  static readonly code = 'SYNC_REMOTE_NOT_ALLOWED'
  constructor(host: string, address: string, kind: AddressClass) {
    super(
      `refusing to sync with ${host}: it ${host === address ? 'is' : `resolves to ${address}, which is`} a ${kind === 'metadata' ? 'cloud metadata' : kind} address. ` +
        (NEVER_BY_DEFAULT.has(kind)
          ? `No git server lives there; if this one does, name it in MAESTRO_SYNC_ALLOWED_HOSTS=${host}.`
          : `Allow it with MAESTRO_SYNC_ALLOWED_HOSTS=${host} (or MAESTRO_SYNC_ALLOW_PRIVATE=true for every private address).`),
      {code: SyncRemoteNotAllowedError.code, status: 422, exitCode: 1, data: {host, address, kind}},
    )
  }
}

/**
 * The policy from the configuration: `MAESTRO_SYNC_ALLOW_PRIVATE` (true/false; unset:
 * `allowPrivateByDefault`) and `MAESTRO_SYNC_ALLOWED_HOSTS` (comma-separated).
 *
 * @example
 * ```ts
 * remotePolicy({syncAllowPrivate: undefined, syncAllowedHosts: ['git.lan']}, {allowPrivateByDefault: false})
 * // {allowPrivate: false, allowedHosts: ['git.lan']}
 * ```
 */
export function remotePolicy(
  config: {readonly syncAllowPrivate: boolean | undefined; readonly syncAllowedHosts: readonly string[]},
  defaults: {allowPrivateByDefault: boolean},
): RemotePolicy {
  return Object.freeze({
    allowPrivate: config.syncAllowPrivate ?? defaults.allowPrivateByDefault,
    allowedHosts: Object.freeze([...config.syncAllowedHosts]),
  })
}

/**
 * Checks a remote URL before any request: only http(s), and the host and every address
 * it resolves to allowed by the policy. Returns the parsed URL.
 *
 * @example
 * ```ts
 * await vetRemoteUrl('http://169.254.169.254/latest', {allowPrivate: false, allowedHosts: []})
 * // throws SyncRemoteNotAllowedError (link-local)
 * ```
 */
export async function vetRemoteUrl(url: string | URL, policy: RemotePolicy): Promise<URL> {
  const parsed = typeof url === 'string' ? parseRemoteUrl(url) : url
  await vetHost(parsed.hostname, policy)
  return parsed
}

/** Parses an http(s) URL (the WHATWG parser also turns 2130706433 or 0x7f.1 into 127.0.0.1). */
export function parseRemoteUrl(url: string): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError('the remote must be an http(s) URL of a git repository')
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`sync speaks git over HTTP(S) only; ${parsed.protocol} URLs are not supported`)
  }
  return parsed
}

/**
 * Resolves `hostname` (URL form: IPv6 in brackets) and checks every address; returns
 * the addresses, which are the only ones a connection may then use.
 */
export async function vetHost(hostname: string, policy: RemotePolicy): Promise<LookupAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  const named = policy.allowedHosts.some((h) => h.toLowerCase() === host)
  if (!named && METADATA_HOSTNAMES.has(host.replace(/\.$/, '')))
    throw new SyncRemoteNotAllowedError(host, host, 'metadata')
  const literal = isIP(host)
  const addresses: LookupAddress[] = literal
    ? [{address: host, family: literal}]
    : await (policy.resolve ?? defaultResolve)(host)
  if (addresses.length === 0) throw new UsageError(`${host} has no address`)
  if (named) return addresses
  for (const {address} of addresses) {
    const kind = classifyAddress(address)
    if (kind === 'public' || policy.allowedHosts.some((entry) => inRange(address, entry))) continue
    if (policy.allowPrivate && !NEVER_BY_DEFAULT.has(kind)) continue
    throw new SyncRemoteNotAllowedError(host, address, kind)
  }
  return addresses
}

const defaultResolve: Resolver = (hostname) => dns.lookup(hostname, {all: true, verbatim: true})

/**
 * Classifies an IPv4 or IPv6 address (canonical text, as DNS answers give them).
 * IPv6 forms that embed an IPv4 address (`::ffff:a.b.c.d`, `::a.b.c.d`, `64:ff9b::/96`,
 * `2002::/16`) are classified by the address they embed.
 *
 * @example
 * ```ts
 * classifyAddress('10.1.2.3')             // 'private'
 * classifyAddress('::ffff:127.0.0.1')     // 'loopback'
 * classifyAddress('169.254.169.254')      // 'link-local'
 * classifyAddress('2606:4700::1111')      // 'public'
 * ```
 */
export function classifyAddress(address: string): AddressClass {
  const plain = address.replace(/%.*$/, '')
  const v4 = parseIPv4(plain)
  if (v4 !== undefined) return classifyIPv4(v4)
  const v6 = parseIPv6(plain)
  if (v6 === undefined) return 'reserved'
  return classifyIPv6(v6)
}

/** Cloud metadata services on IPv4: AWS/GCP/Azure/OpenStack, AWS ECS task metadata, Alibaba Cloud. */
const METADATA_IPV4: readonly number[] = ['169.254.169.254', '169.254.170.2', '100.100.100.200'].map((text) =>
  parseIPv4(text)!,
)

function classifyIPv4(ip: number): AddressClass {
  const a = ip >>> 24
  const b = (ip >>> 16) & 0xff
  if (METADATA_IPV4.includes(ip)) return 'metadata'
  if (a === 0) return 'unspecified'
  if (a === 127) return 'loopback'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private'
  if (a === 169 && b === 254) return 'link-local'
  if (a === 100 && b >= 64 && b <= 127) return 'cgnat'
  if (a >= 224 && a <= 239) return 'multicast'
  if (
    a >= 240 || // reserved, and 255.255.255.255 broadcast
    (a === 192 && b === 0 && ((ip >>> 8) & 0xff) === 0) || // 192.0.0.0/24 protocol assignments
    (a === 192 && b === 0 && ((ip >>> 8) & 0xff) === 2) || // documentation
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && ((ip >>> 8) & 0xff) === 100) ||
    (a === 203 && b === 0 && ((ip >>> 8) & 0xff) === 113)
  )
    return 'reserved'
  return 'public'
}

function classifyIPv6(words: number[]): AddressClass {
  const [w0, w1, w2, w3, w4, w5, w6, w7] = words as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const embedded = ((w6 << 16) | w7) >>> 0
  const zeroTo = (n: number) => words.slice(0, n).every((w) => w === 0)
  if (
    w0 === 0xfd00 &&
    w1 === 0x0ec2 &&
    w2 === 0 &&
    w3 === 0 &&
    w4 === 0 &&
    w5 === 0 &&
    w6 === 0 &&
    w7 === 0x254
  )
    return 'metadata' // fd00:ec2::254, AWS's IPv6 instance metadata
  if (zeroTo(8)) return 'unspecified'
  if (zeroTo(7) && w7 === 1) return 'loopback'
  if (zeroTo(5) && w5 === 0xffff) return classifyIPv4(embedded) // ::ffff:a.b.c.d (mapped)
  if (zeroTo(6)) return classifyIPv4(embedded) // ::a.b.c.d (compatible, deprecated)
  if (w0 === 0x64 && w1 === 0xff9b && w2 === 0 && w3 === 0 && w4 === 0 && w5 === 0)
    return classifyIPv4(embedded) // NAT64
  if (w0 === 0x2002) return classifyIPv4(((w1 << 16) | w2) >>> 0) // 6to4
  if ((w0 & 0xfe00) === 0xfc00) return 'private' // fc00::/7 unique local
  if ((w0 & 0xffc0) === 0xfe80) return 'link-local'
  if ((w0 & 0xffc0) === 0xfec0) return 'private' // site-local (deprecated)
  if ((w0 & 0xff00) === 0xff00) return 'multicast'
  if (w0 === 0x2001 && w1 === 0x0db8) return 'reserved' // documentation
  if (w0 === 0x2001 && w1 < 0x0200) return 'reserved' // IETF protocol assignments, Teredo
  if (w0 === 0x0100 && w1 === 0 && w2 === 0 && w3 === 0) return 'reserved' // discard
  if ((w0 & 0xe000) !== 0x2000) return 'reserved' // outside global unicast 2000::/3
  return 'public'
}

/** Dotted-quad IPv4 as an unsigned 32-bit number; undefined when it is not one. */
function parseIPv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let ip = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const n = Number(part)
    if (n > 255) return undefined
    ip = ip * 256 + n
  }
  return ip
}

/** IPv6 (with `::` and an optional dotted IPv4 tail) as eight 16-bit words. */
function parseIPv6(text: string): number[] | undefined {
  if (!isIP(text)) return undefined
  let tail: number[] = []
  let head = text
  const lastColon = text.lastIndexOf(':')
  const v4 = parseIPv4(text.slice(lastColon + 1))
  if (v4 !== undefined) {
    tail = [v4 >>> 16, v4 & 0xffff]
    head = text.slice(0, lastColon + 1) + '0'
  }
  const [left, right] = head.split('::') as [string, string | undefined]
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : [])
  const l = words(left)
  const r = words(right)
  if (v4 !== undefined) (right === undefined ? l : r).pop()
  const fill = 8 - tail.length - l.length - r.length
  const out = [...l, ...(right === undefined ? [] : Array<number>(fill).fill(0)), ...r, ...tail]
  return out.length === 8 && out.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? out : undefined
}

/** Whether `address` is `entry` (an IP) or inside it (a CIDR range of the same family). */
function inRange(address: string, entry: string): boolean {
  const [base, bitsText] = entry.split('/') as [string, string | undefined]
  const a = toBits(address.replace(/%.*$/, ''))
  const b = toBits(base)
  if (!a || !b || a.length !== b.length) return false
  const bits = bitsText === undefined ? a.length : Number(bitsText)
  if (!Number.isInteger(bits) || bits < 0 || bits > a.length) return false
  return a.slice(0, bits) === b.slice(0, bits)
}

function toBits(address: string): string | undefined {
  const v4 = parseIPv4(address)
  if (v4 !== undefined) return v4.toString(2).padStart(32, '0')
  const v6 = parseIPv6(address)
  return v6?.map((w) => w.toString(2).padStart(16, '0')).join('')
}
