import {describe, expect, it} from 'vitest'

import {formatGitSync} from '../../../src/cli/sync-output.js'

describe('sync output', () => {
  it('shows one summary row and names only the kinds of change that happened', () => {
    const text = formatGitSync({
      namespace: 'acme',
      remote: 'https://git.example.com/acme.git',
      fetched: 3,
      pushed: 0,
      templates: {added: ['api-kit', 'web-kit'], changed: [], removed: ['old-kit']},
      head: '0123456789abcdef0123',
      remoteHead: '0123456789abcdef0123',
    })
    const lines = text.split('\n')
    expect(lines[0]).toMatch(/^NAMESPACE\s+FETCHED\s+PUSHED\s+ADDED\s+CHANGED\s+REMOVED\s+HEAD$/)
    expect(lines[1]).toMatch(/^acme\s+3\s+0\s+2\s+0\s+1\s+0123456789ab$/)
    expect(lines.slice(2)).toEqual(['added: api-kit, web-kit', 'removed: old-kit'])
  })

  it('shows a dash for the head of a namespace without commits', () => {
    const text = formatGitSync({
      namespace: 'empty',
      remote: 'https://git.example.com/empty.git',
      fetched: 0,
      pushed: 0,
      templates: {added: [], changed: [], removed: []},
      head: null,
      remoteHead: null,
    })
    expect(text.split('\n')).toHaveLength(2)
    expect(text).toMatch(/empty\s+0\s+0\s+0\s+0\s+0\s+-$/)
  })
})
