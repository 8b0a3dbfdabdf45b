import {describe, expect, it} from 'vitest'
import {stringify} from 'yaml'

import {plainYaml} from '../../../src/render/answers-file.js'

// Strings YAML could read as something else, or must quote, next to ordinary ones.
const STRINGS = [
  'demo',
  'Bench Author',
  'my-app',
  'my_app',
  'v1.0.0',
  '1.0.0',
  'src/app',
  'MIT',
  'Apache-2.0',
  '0a3145d812ffb6d2c1c1b1e2c3d4e5f6a7b8c9d0',
  '1234567e10',
  '8080',
  '08080',
  '1_000',
  '-5',
  '1e5',
  '.5',
  '0x1f',
  '0o17',
  'true',
  'True',
  'FALSE',
  'null',
  'Null',
  '~',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'NaN',
  '.inf',
  'Infinity',
  '',
  ' lead',
  'trail ',
  'two  spaces',
  'a: b',
  'a #b',
  '#x',
  '- x',
  '-x',
  'x-',
  '@x',
  '`x',
  '"x"',
  "'x'",
  'a\nb',
  'é',
  '[x]',
  '{x}',
  '*x',
  '&x',
  '!x',
  '%x',
  '|x',
  '>x',
  'x, y',
  'x,y',
  'a.b.c',
  'a/b/c',
  '2026-12-07',
  '12:30',
  'x'.repeat(200),
]
const VALUES: unknown[] = [...STRINGS, 0, 1, -1, 8080, 2 ** 53, 1.5, -0, true, false, null, ['a'], {a: 1}]

describe('plainYaml', () => {
  it('writes exactly what yaml writes, or leaves the document to yaml', () => {
    let fast = 0
    for (const value of VALUES) {
      for (const doc of [
        {template: 'demo', version: '1.0.0', answers: {name: value}},
        {template: value, answers: {}},
      ]) {
        const plain = plainYaml(doc)
        if (plain === undefined) continue
        fast++
        expect(plain, JSON.stringify(doc)).toBe(stringify(doc, {lineWidth: 0}))
      }
    }
    for (const key of STRINGS) {
      const doc = {answers: {[key]: 'x'}}
      const plain = plainYaml(doc)
      if (plain !== undefined) expect(plain, key).toBe(stringify(doc, {lineWidth: 0}))
    }
    expect(fast).toBeGreaterThan(30)
  })

  it('takes the documents instantiate writes with ordinary answers', () => {
    const doc = {
      template: 'fifty-files',
      namespace: 'local',
      version: '1.0.0',
      commit: '0a3145d812ffb6d2c1c1b1e2c3d4e5f6a7b8c9d0',
      answers: {project_name: 'demo', author: 'Bench Author', port: 8080, license: 'MIT', docker: true},
    }
    expect(plainYaml(doc)).toBe(stringify(doc, {lineWidth: 0}))
  })
})
