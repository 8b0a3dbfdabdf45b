import {describe, expect, it} from 'vitest'

import {db} from '../src/data.js'
import {MAX_DEPTH, run} from '../src/execute.js'

describe('the graph', () => {
  it('resolves books with their authors in two round trips (batched)', async () => {
    db.roundTrips = 0
    const result = await run('{ books { title author { name } } }')
    expect(result.errors).toBeUndefined()
    expect(result.data?.books).toHaveLength(3)
    expect(db.roundTrips).toBe(2)
  })

  it('refuses queries nested deeper than the limit', async () => {
    let selection = 'id'
    for (let i = 0; i < MAX_DEPTH; i++)
      selection = (MAX_DEPTH - 1 - i) % 2 === 0 ? `author { ${selection} }` : `books { ${selection} }`
    const result = await run(`{ books { ${selection} } }`)
    expect(result.errors?.[0]?.message).toMatch(/deeper than/)
  })

  it('reports invalid queries', async () => {
    const result = await run('{ books { isbn } }')
    expect(result.errors?.[0]?.message).toMatch(/isbn/)
  })
})
