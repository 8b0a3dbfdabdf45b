import {describe, expect, it} from 'vitest'

import {
  filterGroups,
  filterMatch,
  filtersText,
  filterToken,
  parseQueryWords,
  quoteTerm,
  scoreFilter,
  searchTokens,
  textMatch,
} from '../../../src/db/search/query.js'

describe('textMatch', () => {
  it('quotes every word, ANDs them and prefix-matches the last', () => {
    expect(textMatch('fastapi serv')?.all).toBe(
      '{name tags category description readme author} : ("fastapi" AND "serv"*)',
    )
  })

  it('escapes quotes and keeps operators as plain text', () => {
    expect(textMatch('a"b NEAR( AND')?.all).toBe(
      '{name tags category description readme author} : ("a""b" AND "NEAR(" AND "AND"*)',
    )
  })

  it('treats control characters as white space', () => {
    expect(textMatch('fast\u0000api')?.all).toBe(
      '{name tags category description readme author} : ("fast" AND "api"*)',
    )
  })

  it('drops words without letters or digits, and has nothing to say for such text', () => {
    expect(textMatch('" * ( - :')).toBeUndefined()
    expect(textMatch('')).toBeUndefined()
    expect(textMatch(undefined)).toBeUndefined()
    expect(textMatch('- api -')?.all).toBe('{name tags category description readme author} : ("api"*)')
  })

  it('does not prefix-match a tail shorter than three letters', () => {
    expect(textMatch('ai')?.all).toBe('{name tags category description readme author} : ("ai")')
    expect(textMatch('fas')?.all).toBe('{name tags category description readme author} : ("fas"*)')
    expect(textMatch('fastapi-s')?.all).toBe('{name tags category description readme author} : ("fastapi-s")')
    expect(textMatch('x')?.all).toBe('{name tags category description readme author} : ("x")')
  })

  it('bounds the number and length of words', () => {
    const match = textMatch(`${'w '.repeat(100)}${'y'.repeat(500)}`)!.all
    expect(match.match(/"w"/g)).toHaveLength(16)
    expect(textMatch('z'.repeat(500))?.all).toBe(
      `{name tags category description readme author} : ("${'z'.repeat(64)}"*)`,
    )
  })
})

describe('filter tokens', () => {
  it('are single lowercase alphanumeric tokens, distinct per kind', () => {
    for (const value of ['public', 'backend_developer', 'maestro-curated', 'Ünïcode Tëam', 'a b:c"d*', '']) {
      for (const kind of ['category', 'tag', 'author'] as const) {
        expect(filterToken(kind, value)).toMatch(/^[a-z0-9]+$/)
      }
    }
    expect(filterToken('category', 'x')).not.toBe(filterToken('tag', 'x'))
  })

  it('compare tags and authors loosely, categories exactly', () => {
    expect(filterToken('author', ' Maestro  Team ')).toBe(filterToken('author', 'maestro team'))
    expect(filterToken('tag', 'Python')).toBe(filterToken('tag', 'python'))
    expect(filterToken('category', 'QA_engineer')).not.toBe(filterToken('category', 'qa_engineer'))
  })

  it('hash long values to a bounded token', () => {
    const long = filterToken('author', 'x'.repeat(1000))
    expect(long.length).toBeLessThan(80)
    expect(long).not.toBe(filterToken('author', 'x'.repeat(1001)))
  })

  it('include score thresholds up to the score', () => {
    const text = filtersText({category: 'qa_engineer', tags: ['a'], author: 'b', qualityScore: 72.5})
    expect(text.split(' ').filter((t) => /^q[sv]/.test(t))).toEqual([
      'qv72',
      'qs0',
      'qs10',
      'qs20',
      'qs30',
      'qs40',
      'qs50',
      'qs60',
      'qs70',
    ])
    expect(filtersText({category: 'c', tags: [], author: 'a', qualityScore: null})).not.toMatch(/q[sv]/)
  })

  it('answer whole-number minimum scores exactly and others with a check', () => {
    expect(scoreFilter(70)).toMatchObject({match: '"qs70"', exact: true})
    expect(scoreFilter(0)).toMatchObject({match: '"qs0"', exact: true})
    expect(scoreFilter(100)).toMatchObject({match: '"qs100"', exact: true})
    expect(scoreFilter(77)).toMatchObject({match: '("qs80" OR "qv77" OR "qv78" OR "qv79")', exact: true})
    expect(scoreFilter(72.5)).toMatchObject({match: scoreFilter(72).match, exact: false})
    expect(scoreFilter(-5)).toMatchObject({match: '"qs0"', exact: false})
    expect(scoreFilter(150)).toMatchObject({match: '"qs100"', exact: false})
  })

  it('build one clause of filters ANDed, or none', () => {
    expect(filterMatch({category: 'c', tags: ['t', ' '], author: 'x', minScore: 70})).toBe(
      `{filters} : (${quoteTerm(filterToken('category', 'c'))} AND ${quoteTerm(filterToken('tag', 't'))} AND ` +
        `${quoteTerm(filterToken('author', 'x'))} AND "qs70")`,
    )
    expect(filterMatch({tags: [' '], author: ''})).toBeUndefined()
  })
})

describe('parseQueryWords and searchTokens', () => {
  it('split words into the tokens SQLite indexes: letters and digits, folded', () => {
    expect(searchTokens('Café backend_developer v1.2 fastapi-service')).toEqual([
      'cafe',
      'backend',
      'developer',
      'v1',
      '2',
      'fastapi',
      'service',
    ])
    expect(searchTokens('ÉCOLE Ünïcode Straße')).toEqual(['ecole', 'unicode', 'straße'])
    expect(searchTokens('" * ( -')).toEqual([])
  })

  it('mark only the last word as a prefix, from three letters of its last run', () => {
    expect(parseQueryWords('fastapi-serv docker')).toEqual([
      {text: 'fastapi-serv', tokens: ['fastapi', 'serv'], prefix: false},
      {text: 'docker', tokens: ['docker'], prefix: true},
    ])
    expect(parseQueryWords('fastapi-s').at(-1)?.prefix).toBe(false)
    expect(parseQueryWords('ai')).toEqual([{text: 'ai', tokens: ['ai'], prefix: false}])
    expect(parseQueryWords(' " * ')).toEqual([])
  })
})

describe('filterGroups', () => {
  it('gives one group per filter, several tokens only for a score between tens', () => {
    expect(filterGroups({category: 'c', tags: ['t', ' '], author: 'A', minScore: 77})).toEqual([
      [filterToken('category', 'c')],
      [filterToken('tag', 't')],
      [filterToken('author', 'a')],
      ['qs80', 'qv77', 'qv78', 'qv79'],
    ])
    expect(filterGroups({})).toEqual([])
  })
})
