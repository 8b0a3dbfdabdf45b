import {describe, expect, it} from 'vitest'

import {loadConfig} from '../../../src/config.js'
import {
  SyncRemoteNotAllowedError,
  classifyAddress,
  remotePolicy,
  vetRemoteUrl,
  type RemotePolicy,
} from '../../../src/sync/remote-policy.js'

const STRICT: RemotePolicy = {allowPrivate: false, allowedHosts: []}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.254', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['1.1.1.1', 'public'],
  ])('IPv4 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind)
  })

  it.each([
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    // IPv4-mapped, -compatible, NAT64 and 6to4 forms are judged by the IPv4 address inside.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:10.1.2.3', 'private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:0808:0808::1', 'public'],
  ])('IPv6 %s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind)
  })
})

describe('vetRemoteUrl', () => {
  it.each([
    'http://127.0.0.1/team.git',
    'http://2130706433/team.git', // decimal
    'http://0x7f.1/team.git', // hex, short form
    'http://0177.0.0.1/team.git', // octal
    'http://127.1/team.git',
    'http://[::1]/team.git',
    'http://[::ffff:127.0.0.1]/team.git',
    'http://[::ffff:7f00:1]/team.git',
    'http://169.254.169.254/latest/meta-data',
    'http://0xa9fea9fe/',
    'https://10.0.0.5/team.git',
    'http://[fd00::5]/team.git',
    'http://0/team.git',
  ])('refuses %s without an opt-in', async (url) => {
    const err = await vetRemoteUrl(url, STRICT).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncRemoteNotAllowedError)
    expect((err as SyncRemoteNotAllowedError).status).toBe(422)
    expect((err as SyncRemoteNotAllowedError).code).toBe('SYNC_REMOTE_NOT_ALLOWED')
  })

  it('checks every address a name resolves to, not only the first', async () => {
    const policy: RemotePolicy = {
      ...STRICT,
      resolve: async () => [
        {address: '93.184.216.34', family: 4},
        {address: '::ffff:10.0.0.1', family: 6},
      ],
    }
    const err = await vetRemoteUrl('https://git.example.com/t.git', policy).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SyncRemoteNotAllowedError)
    expect((err as Error).message).toMatch(/git\.example\.com: it resolves to ::ffff:10\.0\.0\.1.*private/)
  })

  it('allows public addresses, and private ones by name, IP, CIDR or the allow-private switch', async () => {
    const publicName: RemotePolicy = {...STRICT, resolve: async () => [{address: '140.82.112.3', family: 4}]}
    await expect(vetRemoteUrl('https://git.example.com/t.git', publicName)).resolves.toBeInstanceOf(URL)
    const lan: RemotePolicy = {
      allowPrivate: false,
      allowedHosts: [],
      resolve: async () => [{address: '10.1.2.3', family: 4}],
    }
    await expect(vetRemoteUrl('https://git.lan/t.git', lan)).rejects.toThrow(
      /MAESTRO_SYNC_ALLOWED_HOSTS=git\.lan/,
    )
    await expect(
      vetRemoteUrl('https://GIT.lan/t.git', {...lan, allowedHosts: ['git.LAN']}),
    ).resolves.toBeDefined()
    await expect(
      vetRemoteUrl('https://git.lan/t.git', {...lan, allowedHosts: ['10.1.0.0/16']}),
    ).resolves.toBeDefined()
    await expect(
      vetRemoteUrl('https://git.lan/t.git', {...lan, allowedHosts: ['10.2.0.0/16']}),
    ).rejects.toThrow()
    await expect(
      vetRemoteUrl('https://git.lan/t.git', {...lan, allowedHosts: ['10.1.2.3']}),
    ).resolves.toBeDefined()
    await expect(vetRemoteUrl('https://git.lan/t.git', {...lan, allowPrivate: true})).resolves.toBeDefined()
    await expect(
      vetRemoteUrl('http://[::1]:8080/t.git', {...STRICT, allowedHosts: ['::1']}),
    ).resolves.toBeDefined()
  })

  it('speaks http(s) only', async () => {
    await expect(vetRemoteUrl('ssh://git@example.com/t.git', STRICT)).rejects.toThrow(/HTTP\(S\) only/)
    await expect(vetRemoteUrl('file:///etc/passwd', STRICT)).rejects.toThrow(/HTTP\(S\) only/)
    await expect(vetRemoteUrl('not a url', STRICT)).rejects.toThrow(/http\(s\) URL/)
  })
})

describe('remotePolicy from the configuration', () => {
  it('lets the CLI default to private addresses allowed and the daemon to refused, both overridable', () => {
    const unset = loadConfig({
      MAESTRO_HOME: '/tmp/x',
      MAESTRO_SYNC_ALLOW_PRIVATE: '',
      MAESTRO_SYNC_ALLOWED_HOSTS: '',
    })
    expect(remotePolicy(unset, {allowPrivateByDefault: true}).allowPrivate).toBe(true)
    expect(remotePolicy(unset, {allowPrivateByDefault: false}).allowPrivate).toBe(false)
    const set = loadConfig({
      MAESTRO_HOME: '/tmp/x',
      MAESTRO_SYNC_ALLOW_PRIVATE: 'false',
      MAESTRO_SYNC_ALLOWED_HOSTS: 'git.lan, 10.0.0.0/8 ,',
    })
    expect(remotePolicy(set, {allowPrivateByDefault: true})).toEqual({
      allowPrivate: false,
      allowedHosts: ['git.lan', '10.0.0.0/8'],
    })
    expect(() => loadConfig({MAESTRO_HOME: '/tmp/x', MAESTRO_SYNC_ALLOW_PRIVATE: 'maybe'})).toThrow(
      /MAESTRO_SYNC_ALLOW_PRIVATE must be true or false/,
    )
  })
})

describe("link-local and metadata addresses under the CLI's policy (private addresses allowed)", () => {
  const cli = (allowedHosts: string[] = []) => {
    const looked: string[] = []
    // The only resolver: names resolve to what the test says, and nothing is ever connected to.
    const answers: Record<string, string[]> = {
      'git.lan': ['192.168.1.10'],
      'git.office': ['10.0.0.5', 'fd12:3456::5'],
      'sneaky.example.com': ['93.184.216.34', '169.254.10.1'],
      'v6-link.example.com': ['fe80::1'],
      'imds.example.com': ['169.254.169.254'],
      'imds6.example.com': ['fd00:ec2::254'],
      'alibaba.example.com': ['100.100.100.200'],
      'metadata.google.internal': ['169.254.169.254'],
    }
    const policy: RemotePolicy = {
      ...remotePolicy(
        loadConfig({
          MAESTRO_HOME: '/tmp/x',
          MAESTRO_SYNC_ALLOW_PRIVATE: '',
          MAESTRO_SYNC_ALLOWED_HOSTS: allowedHosts.join(','),
        }),
        {allowPrivateByDefault: true},
      ),
      resolve: async (host) => {
        looked.push(host)
        return (answers[host] ?? []).map((address) => ({address, family: address.includes(':') ? 6 : 4}))
      },
    }
    return {policy, looked}
  }

  it('reaches private and loopback servers on the LAN', async () => {
    const {policy} = cli()
    for (const url of ['http://git.lan/t.git', 'http://git.office/t.git', 'http://127.0.0.1:3000/t.git'])
      await expect(vetRemoteUrl(url, policy), url).resolves.toBeDefined()
  })

  it('refuses link-local and metadata addresses, literal or resolved, before any connection', async () => {
    const {policy} = cli()
    const refused: [string, string][] = [
      ['http://169.254.169.254/latest/meta-data/', 'metadata'],
      ['http://169.254.170.2/v2/credentials', 'metadata'],
      ['http://[fd00:ec2::254]/', 'metadata'],
      ['http://100.100.100.200/latest/meta-data/', 'metadata'],
      ['http://169.254.1.1/t.git', 'link-local'],
      ['http://[fe80::1]/t.git', 'link-local'],
      ['http://[::ffff:169.254.169.254]/', 'metadata'],
      ['http://sneaky.example.com/t.git', 'link-local'],
      ['http://v6-link.example.com/t.git', 'link-local'],
      ['http://imds.example.com/t.git', 'metadata'],
      ['http://imds6.example.com/t.git', 'metadata'],
      ['http://alibaba.example.com/t.git', 'metadata'],
    ]
    for (const [url, kind] of refused) {
      const err = await vetRemoteUrl(url, policy).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err, url).toBeInstanceOf(SyncRemoteNotAllowedError)
      expect((err as SyncRemoteNotAllowedError).data, url).toMatchObject({kind})
      expect((err as Error).message, url).toMatch(/MAESTRO_SYNC_ALLOWED_HOSTS/)
      expect((err as Error).message, url).not.toMatch(/MAESTRO_SYNC_ALLOW_PRIVATE/)
    }
  })

  it('refuses metadata service names without even resolving them', async () => {
    const {policy, looked} = cli()
    for (const host of [
      'metadata.google.internal',
      'METADATA.GOOGLE.INTERNAL.',
      'metadata.goog',
      'metadata',
    ]) {
      await expect(vetRemoteUrl(`http://${host}/computeMetadata/v1/`, policy), host).rejects.toMatchObject({
        code: 'SYNC_REMOTE_NOT_ALLOWED',
        data: {kind: 'metadata'},
      })
    }
    expect(looked).toEqual([])
  })

  it('reaches them only when MAESTRO_SYNC_ALLOWED_HOSTS names them, by host, IP or range', async () => {
    await expect(
      vetRemoteUrl('http://v6-link.example.com/t.git', cli(['v6-link.example.com']).policy),
    ).resolves.toBeDefined()
    await expect(
      vetRemoteUrl('http://169.254.1.1/t.git', cli(['169.254.1.0/24']).policy),
    ).resolves.toBeDefined()
    await expect(vetRemoteUrl('http://[fe80::1]/t.git', cli(['fe80::/10']).policy)).resolves.toBeDefined()
    await expect(
      vetRemoteUrl('http://metadata.google.internal/', cli(['metadata.google.internal']).policy),
    ).resolves.toBeDefined()
    // Allowing one range does not open the others.
    await expect(
      vetRemoteUrl('http://169.254.169.254/', cli(['169.254.1.0/24']).policy),
    ).rejects.toBeInstanceOf(SyncRemoteNotAllowedError)
  })

  it('applies the same checks in the daemon, which refuses private addresses too', async () => {
    const daemon: RemotePolicy = {...cli().policy, allowPrivate: false}
    for (const url of ['http://git.lan/t.git', 'http://169.254.169.254/', 'http://metadata.google.internal/'])
      await expect(vetRemoteUrl(url, daemon), url).rejects.toBeInstanceOf(SyncRemoteNotAllowedError)
    // A daemon that allows private addresses still never reaches link-local or metadata ones.
    const open: RemotePolicy = {...cli().policy, allowPrivate: true}
    await expect(vetRemoteUrl('http://imds.example.com/', open)).rejects.toBeInstanceOf(
      SyncRemoteNotAllowedError,
    )
  })
})
