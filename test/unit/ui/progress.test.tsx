import {PassThrough} from 'node:stream'

import {describe, expect, it} from 'vitest'

import {transferProgress} from '../../../src/ui/progress.js'

/** A stream that says it is a terminal, collecting what ink draws. */
function fakeTerminal(): NodeJS.WriteStream & {output: () => string} {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & {output: () => string}
  let text = ''
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
  Object.assign(stream, {isTTY: true, columns: 100, rows: 20, output: () => text})
  return stream
}

describe('transferProgress', () => {
  it('draws a bar per git phase when the total is known, a count when it is not', async () => {
    const saved = process.env.CI
    delete process.env.CI
    try {
      const terminal = fakeTerminal()
      const progress = transferProgress(terminal)
      expect(progress).toBeDefined()
      await progress!.update({phase: 'Counting objects', loaded: 7})
      await progress!.update({phase: 'Receiving objects', loaded: 3, total: 10})
      await new Promise((r) => setTimeout(r, 50))
      progress!.done()
      const text = terminal.output()
      expect(text).toContain('Counting objects 7')
      expect(text).toMatch(/Receiving objects .*█.* 3\/10/)
    } finally {
      if (saved !== undefined) process.env.CI = saved
    }
  })

  it('stays quiet without a terminal', () => {
    const pipe = new PassThrough() as unknown as NodeJS.WriteStream
    expect(transferProgress(pipe)).toBeUndefined()
  })
})
