import {describe, expect, it} from 'vitest'

import {printSearchResult} from '../../../src/cli/output.js'
import type {SearchHit, SearchResult} from '../../../src/registry/types.js'

const hit = (name: string): SearchHit => ({
  id: name,
  namespace: 'public',
  name,
  version: '1.0.0',
  description: `${name} template`,
  category: 'backend_developer',
  author: 'Maestro Team',
  tags: ['api'],
  quality_score: 90,
  updated_at: '2026-12-01T00:00:00.000Z',
  rank: 1,
})

const page = (extra: Partial<SearchResult>): SearchResult => ({
  items: [hit('orders-api'), hit('users-api')],
  total: 2,
  total_exact: true,
  limit: 20,
  offset: 0,
  categories: {backend_developer: 2, devops_engineer: 5},
  ...extra,
})

describe('printSearchResult', () => {
  it('shows the exact total with thousands separators', () => {
    expect(printSearchResult(page({total: 1234, offset: 20}))).toMatch(/21-22 of 1,234 templates$/)
  })

  it('marks a count that stopped early as a lower bound', () => {
    expect(printSearchResult(page({total: 10_000, total_exact: false}))).toMatch(/1-2 of 10,000\+ templates$/)
  })

  it('with a category, shows how many templates it holds and every category count', () => {
    const text = printSearchResult(page({}), {category: 'backend_developer'})
    expect(text).toContain('backend_developer: 2 of 7 templates in 2 categories')
    expect(text).toMatch(/backend_developer \*\s+2\n/)
    expect(text).toMatch(/devops_engineer\s+5/)
    expect(printSearchResult(page({items: [], total: 0}), {category: 'nope'})).toContain(
      'nope: 0 of 7 templates',
    )
  })

  it('says so when nothing matched', () => {
    expect(printSearchResult(page({items: [], total: 0}))).toContain('No templates found')
  })
})
