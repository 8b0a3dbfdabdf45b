import {describe, expect, it} from 'vitest'

import {textQuery, tsvector} from '../../../src/db/search/postgres.js'
import {parseQueryWords} from '../../../src/db/search/query.js'

describe('tsvector', () => {
  it('gives every token its positions and weight, with a gap between fields', () => {
    expect(
      tsvector([
        {text: 'fastapi-service', weight: 'A'},
        {text: 'api Service', weight: 'B'},
        {text: 'read me', weight: 'D'},
      ]),
    ).toBe("'fastapi':1A 'service':2A,5B 'api':4B 'read':7 'me':8")
  })

  it('keeps at most 256 positions per token and none past 16383', () => {
    const vector = tsvector([{text: 'x '.repeat(20_000), weight: 'D'}])
    const positions = vector.split(':')[1]!.split(',')
    expect(positions).toHaveLength(256)
    const late = tsvector([{text: `${'y '.repeat(17_000)}z`, weight: 'C'}])
    expect(late).toContain("'z':16383C")
  })
})

describe('textQuery', () => {
  it('ANDs words, makes a phrase of a word with several tokens, and a prefix of the last', () => {
    expect(textQuery(parseQueryWords('docker fastapi-serv'))).toBe("'docker' & ('fastapi' <-> 'serv':*)")
    expect(textQuery(parseQueryWords("it's"))).toBe("('it' <-> 's')")
    expect(textQuery(parseQueryWords('" * ('))).toBeUndefined()
  })
})
