import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import {ProgressBar} from '../../../src/ui/progress-bar.js'
import {table} from '../../../src/ui/table.js'

describe('table', () => {
  it('aligns columns, right-aligns numbers and truncates long cells', () => {
    const out = table(
      [
        {name: 'fastapi-service', score: 100, description: 'A very long description that goes on'},
        {name: 'x', score: 7, description: 'short'},
      ],
      [
        {key: 'name', header: 'NAME'},
        {key: 'score', header: 'SCORE', align: 'right'},
        {key: 'description', header: 'DESCRIPTION', max: 12},
      ],
    )
    expect(out.split('\n')).toEqual([
      'NAME             SCORE  DESCRIPTION',
      'fastapi-service    100  A very long…',
      'x                    7  short',
    ])
  })
})

describe('ProgressBar', () => {
  it('draws the share done and the current item', () => {
    const {lastFrame} = render(
      <ProgressBar label="Importing" done={5} total={10} detail="fastapi-service" width={10} />,
    )
    expect(lastFrame()).toBe('Importing █████░░░░░ 5/10 fastapi-service')
  })
})
