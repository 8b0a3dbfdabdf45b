import {describe, expect, it} from 'vitest'

import {scoreTemplate} from '../../../src/quality/score.js'
import {loadFixture} from './fixtures.js'

describe('scoring time', () => {
  it('scores a template well under a second (median over the fixtures)', async () => {
    const templates = await Promise.all(['excellent', 'passing', 'failing'].map(loadFixture))
    // The first scoring compiles validators and the Liquid engine; time steady state, as a catalog run sees it.
    for (const t of templates) await scoreTemplate(t)
    const times: number[] = []
    for (let round = 0; round < 5; round++) {
      for (const t of templates) {
        const started = performance.now()
        await scoreTemplate(t)
        times.push(performance.now() - started)
      }
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)]!
    console.info(
      `quality: median time to score a fixture template ${median.toFixed(1)} ms over ${times.length} runs`,
    )
    expect(median).toBeLessThan(500)
  })
})
