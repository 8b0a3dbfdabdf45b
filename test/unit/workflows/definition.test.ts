/**
 * workflow.yaml validation: hostile and mistaken definitions are refused with the file,
 * line and column of each problem, before anything is stored.
 */
import {describe, expect, it} from 'vitest'

import {InvalidTemplateError} from '../../../src/domain/errors.js'
import {parseWorkflow} from '../../../src/workflows/definition.js'

const HEAD = `name: demo
version: 1.0.0
description: A demo
author: Tests
`

function issues(yaml: string) {
  try {
    parseWorkflow(yaml)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidTemplateError)
    return (err as InvalidTemplateError).issues.map((i) => `${i.line}:${i.column} ${i.message}`)
  }
  throw new Error('the definition was accepted')
}

describe('parseWorkflow', () => {
  it('reads a valid definition, keeping the parameter schema of templates', () => {
    const d = parseWorkflow(`${HEAD}parameters:
  - name: port
    type: integer
    default: 8000
steps:
  - id: one
    uses: file
    if: parameters.port > 1000
    with: {path: a.txt, content: '{{ parameters.port }}'}
  - id: two
    uses: gate
    with: {condition: '{{ steps.one.outputs.path == "a.txt" }}'}
outputs:
  path: '{{ steps.one.outputs.path }}'
`)
    expect(d.steps.map((s) => s.uses)).toEqual(['file', 'gate'])
    expect(d.parameters[0]!.name).toBe('port')
    expect(d.steps[0]!.if).toBe('parameters.port > 1000')
  })

  it('refuses an unknown action at its line and column, naming the actions', () => {
    expect(issues(`${HEAD}steps:\n  - id: one\n    uses: shell\n    with: {run: rm -rf /}\n`)).toEqual([
      expect.stringMatching(
        /^7:11 steps\[0\]\.uses names an unknown action "shell"; actions are template, file, merge, gate, git/,
      ),
    ])
  })

  it('refuses unknown inputs and missing ones', () => {
    const found = issues(`${HEAD}steps:\n  - id: one\n    uses: template\n    with:\n      templat: x\n`)
    expect(found).toContainEqual(
      expect.stringMatching(/^9:7 unknown input "templat" for the template action/),
    )
    expect(found).toContainEqual(expect.stringMatching(/the template action needs the input "template"/))
  })

  it('refuses paths that leave the workspace, in sub-paths and file steps', () => {
    const found = issues(`${HEAD}steps:
  - id: a
    uses: template
    with: {template: x, path: ../outside}
  - id: b
    uses: file
    with: {path: /etc/passwd, content: x}
  - id: c
    uses: file
    with: {action: copy, from: .git/config, path: x}
  - id: d
    uses: merge
    with: {path: 'C:/x.json', value: {}}
`)
    expect(found).toEqual([
      expect.stringMatching(/^8:31 .*has a "\.\." segment/),
      expect.stringMatching(/^11:18 .*is absolute/),
      expect.stringMatching(/^14:32 .*\.git component/),
      expect.stringMatching(/^17:18 .*drive letter/),
    ])
  })

  it('refuses an expression that refers to its own step or a later one (no loops)', () => {
    const found = issues(`${HEAD}steps:
  - id: a
    uses: file
    with: {path: a, content: '{{ steps.b.outputs.path }}'}
  - id: b
    uses: file
    if: steps.b.outputs.path
    with: {path: b, content: x}
`)
    expect(found).toEqual([
      expect.stringMatching(/^8:30 expression refers to steps\.b, which is not an earlier step/),
      expect.stringMatching(/^11:9 expression refers to steps\.b/),
    ])
  })

  it('refuses expressions that do not parse, duplicate ids and YAML errors', () => {
    expect(
      issues(`${HEAD}steps:\n  - id: a\n    uses: file\n    with: {path: a, content: '{% if x %}open'}\n`),
    ).toEqual([expect.stringMatching(/^8:30 expression .* does not parse/)])
    expect(
      issues(
        `${HEAD}steps:\n  - {id: a, uses: gate, with: {condition: true}}\n  - {id: a, uses: gate, with: {condition: true}}\n`,
      ),
    ).toEqual([expect.stringMatching(/^7:10 steps\[1\]\.id "a" is already used by steps\[0\]/)])
    expect(issues(`${HEAD}steps: [\n`)[0]).toMatch(/YAML syntax/)
  })

  it('refuses alias bombs and oversized definitions', () => {
    const bomb = `${HEAD}x-a: &a [1,1,1,1,1,1,1,1,1,1]\nx-b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx-c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nx-d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\nsteps: [{id: a, uses: gate, with: {condition: true}}]\n`
    expect(issues(bomb)[0]).toMatch(/YAML/)
    expect(issues(`${HEAD}x-big: "${'x'.repeat(300_000)}"\nsteps: []\n`)[0]).toMatch(/larger than/)
  })
})
