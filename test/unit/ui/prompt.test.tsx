import {render} from 'ink-testing-library'
import {describe, expect, it} from 'vitest'

import type {AnswerValue, Parameter} from '../../../src/domain/types.js'
import {Answered, ParameterPrompt, parseTyped} from '../../../src/ui/prompt.js'

const tick = () => new Promise((r) => setTimeout(r, 20))

function prompt(param: Parameter, suggested?: AnswerValue) {
  let answer: AnswerValue | undefined
  const ui = render(<ParameterPrompt param={param} suggested={suggested} onSubmit={(v) => (answer = v)} />)
  return {ui, answer: () => answer}
}

describe('parameter prompts', () => {
  it('takes typed text and falls back to the suggested default on enter', async () => {
    const p = prompt({name: 'project_name', type: 'string', description: 'Name'}, 'my-app')
    expect(p.ui.lastFrame()).toContain('project_name')
    expect(p.ui.lastFrame()).toContain('(my-app)')
    p.ui.stdin.write('\r')
    await tick()
    expect(p.answer()).toBe('my-app')
  })

  it('shows why a number is refused and accepts a valid one', async () => {
    const p = prompt({name: 'port', type: 'integer', min: 1, max: 65535})
    p.ui.stdin.write('70000')
    await tick()
    p.ui.stdin.write('\r')
    await tick()
    expect(p.ui.lastFrame()).toContain('at most 65535')
    expect(p.answer()).toBeUndefined()
    for (let i = 0; i < 5; i++) p.ui.stdin.write('\x7f')
    await tick()
    p.ui.stdin.write('8080')
    await tick()
    p.ui.stdin.write('\r')
    await tick()
    expect(p.answer()).toBe(8080)
  })

  it('selects a choice with the arrow keys', async () => {
    const p = prompt({name: 'database', type: 'choice', choices: ['postgres', 'sqlite', 'none']}, 'postgres')
    expect(p.ui.lastFrame()).toContain('❯ postgres')
    p.ui.stdin.write('\u001B[B')
    await tick()
    expect(p.ui.lastFrame()).toContain('❯ sqlite')
    p.ui.stdin.write('\r')
    await tick()
    expect(p.answer()).toBe('sqlite')
  })

  it('toggles multichoice options with space', async () => {
    const p = prompt({name: 'features', type: 'multichoice', choices: ['auth', 'metrics']}, ['metrics'])
    p.ui.stdin.write(' ')
    await tick()
    p.ui.stdin.write('\r')
    await tick()
    expect(p.answer()).toEqual(['auth', 'metrics'])
  })

  it('answers yes/no questions', async () => {
    const p = prompt({name: 'use_docker', type: 'boolean'}, true)
    expect(p.ui.lastFrame()).toContain('(Y/n)')
    p.ui.stdin.write('n')
    await tick()
    expect(p.answer()).toBe(false)
  })

  it('checks typed values against the parameter', () => {
    expect(parseTyped({name: 'n', type: 'integer'}, '1.5')).toEqual({error: 'enter a whole number'})
    expect(parseTyped({name: 's', type: 'string', pattern: '^[a-z]+$'}, 'Abc')).toEqual({
      error: 'must match ^[a-z]+$',
    })
  })
})

describe('pasted input', () => {
  it('submits text that arrives in one chunk with its Enter', async () => {
    const p = prompt({name: 'project_name', type: 'string', pattern: '^[a-z-]+$'})
    p.ui.stdin.write('billing-api\r')
    await tick()
    expect(p.answer()).toBe('billing-api')
  })
})

describe('Answered', () => {
  it('shows the answer, hiding secrets', () => {
    expect(render(<Answered param={{name: 'port', type: 'integer'}} value={8080} />).lastFrame()).toBe(
      '✔ port 8080',
    )
    const secret = render(<Answered param={{name: 'token', type: 'string', secret: true}} value="s3cr3t" />)
    expect(secret.lastFrame()).toBe('✔ token ********')
  })
})
