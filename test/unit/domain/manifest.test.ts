import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Ajv2020} from 'ajv/dist/2020.js'
import {describe, expect, it} from 'vitest'

import {InvalidTemplateError} from '../../../src/domain/errors.js'
import type {Issue} from '../../../src/domain/errors.js'
import {
  CATEGORIES,
  WORKFLOW_CATEGORY,
  isValidDependencyRange,
  parseManifest,
} from '../../../src/domain/manifest.js'
import {packageRoot} from '../../../src/domain/package-root.js'

const BASE = `name: fastapi-service
version: 1.2.0
description: Production-ready FastAPI service
category: backend_developer
author: Maestro Team
`

function issuesOf(text: string, file?: string): Issue[] {
  try {
    parseManifest(text, file)
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidTemplateError)
    return (err as InvalidTemplateError).issues
  }
  throw new Error('manifest was accepted')
}

describe('parseManifest', () => {
  it('parses the example of docs/template-format.md and normalises it', () => {
    const m = parseManifest(`${BASE}license: MIT
tags: [python, fastapi, api]
quality_score: 99
x-owner: platform-team
dependencies:
  fastapi: ">=0.110,<1"
  uvicorn: "^0.29.0"
parameters:
  - name: project_name
    type: string
    default: my-service
    pattern: "^[a-z][a-z0-9-]*$"
  - name: package_name
    type: string
    default: "{{ project_name | replace: '-', '_' }}"
  - name: port
    type: integer
    default: 8000
    min: 1
    max: 65535
  - name: features
    type: multichoice
    choices: [auth, metrics, tracing]
    default: [metrics]
files:
  - path: Dockerfile
    when: use_docker
  - "assets/**"
exclude:
  - "**/__pycache__/**"
`)
    expect(m.name).toBe('fastapi-service')
    expect(m.tags).toEqual(['python', 'fastapi', 'api'])
    expect(m.dependencies).toEqual({fastapi: '>=0.110,<1', uvicorn: '^0.29.0'})
    expect(m.files).toEqual([{path: 'Dockerfile', when: 'use_docker'}, {path: 'assets/**'}])
    expect(m.exclude).toEqual(['**/__pycache__/**'])
    expect(m.parameters.map((p) => p.name)).toEqual(['project_name', 'package_name', 'port', 'features'])
    expect(m.parameters[2]).toEqual({name: 'port', type: 'integer', default: 8000, min: 1, max: 65535})
    expect(m).not.toHaveProperty('quality_score')
    expect(m).not.toHaveProperty('x-owner')
    expect(m.license).toBe('MIT')
  })

  it('fills absent lists and maps with empty ones', () => {
    const m = parseManifest(BASE)
    expect(m).toEqual({
      name: 'fastapi-service',
      version: '1.2.0',
      description: 'Production-ready FastAPI service',
      category: 'backend_developer',
      author: 'Maestro Team',
      tags: [],
      dependencies: {},
      files: [],
      exclude: [],
      parameters: [],
    })
  })

  it('reports malformed YAML with its line and column', () => {
    const issues = issuesOf(`${BASE}tags: [python, api\nparameters:\n  - name: x\n`, 'tpl/manifest.yaml')
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]).toMatchObject({file: 'tpl/manifest.yaml', line: 7})
    expect(issues[0]!.message).toMatch(/^YAML syntax: /)
  })

  it('reports a bad indentation at the offending line', () => {
    const issues = issuesOf('name: x\n  version: 1.0.0\n')
    expect(issues[0]).toMatchObject({line: 1, column: 7})
  })

  it('reports duplicate keys as YAML errors', () => {
    const issues = issuesOf(`${BASE}author: Someone else\n`)
    expect(issues[0]).toMatchObject({line: 6, column: 1})
    expect(issues[0]!.message).toMatch(/unique/i)
  })

  it('says a non-semver version is not semver, at its position, even when YAML reads it as a number', () => {
    const issues = issuesOf(BASE.replace('version: 1.2.0', 'version: 1.0'))
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 2,
        column: 10,
        path: '/version',
        message: 'version "1.0" is not semver (x.y.z)',
      },
    ])
  })

  it('points a missing required key at the parent map', () => {
    const issues = issuesOf(BASE.replace('author: Maestro Team\n', '') + 'parameters:\n  - type: string\n')
    expect(issues).toContainEqual({
      file: 'manifest.yaml',
      line: 1,
      column: 1,
      path: '/author',
      message: '"author" is required',
    })
    expect(issues).toContainEqual({
      file: 'manifest.yaml',
      line: 6,
      column: 5,
      path: '/parameters/0/name',
      message: 'parameters[0] is missing "name"',
    })
  })

  it('lists the allowed parameter types in plain words, at the value', () => {
    const issues = issuesOf(`${BASE}parameters:\n  - name: a\n    type: string\n  - name: b\n    type: str\n`)
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 10,
        column: 11,
        path: '/parameters/1/type',
        message:
          'parameters[1].type must be one of string, integer, number, boolean, choice, multichoice (got string "str")',
      },
    ])
  })

  it('takes a pattern_hint on a string parameter with a pattern, and only there', () => {
    const ok = parseManifest(
      `${BASE}parameters:\n  - name: a\n    type: string\n    pattern: "^[a-z]+$"\n    pattern_hint: lowercase letters\n`,
    )
    expect(ok.parameters[0]).toMatchObject({pattern: '^[a-z]+$', pattern_hint: 'lowercase letters'})
    const alone = issuesOf(
      `${BASE}parameters:\n  - name: a\n    type: string\n    pattern_hint: lowercase letters\n`,
    )
    expect(alone.map((i) => i.message).join('\n')).toMatch(/pattern/)
    const onInteger = issuesOf(
      `${BASE}parameters:\n  - name: a\n    type: integer\n    default: 1\n    pattern_hint: digits\n`,
    )
    expect(onInteger.length).toBeGreaterThan(0)
  })

  it('refuses unknown top-level keys at the key, but allows x- keys and quality_score', () => {
    const issues = issuesOf(`${BASE}x-team: platform\nquality_score: 12\nowner: me\n`)
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 8,
        column: 1,
        path: '/owner',
        message: 'unknown key "owner" in manifest (keys of your own must start with "x-")',
      },
    ])
  })

  it('checks the name, the category and tags', () => {
    const issues = issuesOf(
      BASE.replace('name: fastapi-service', 'name: FastAPI').replace('backend_developer', 'backend') +
        'tags: [Python, api, api]\n',
    )
    const messages = issues.map((i) => i.message)
    expect(messages[0]).toMatch(/^name "FastAPI" must be lowercase/)
    expect(messages).toContainEqual(
      expect.stringMatching(/^category must be one of ai_ml_engineer, .* \(got string "backend"\)$/),
    )
    expect(messages).toContain(
      'tags[0] "Python" must be a lowercase word (letters, digits and single hyphens)',
    )
    expect(messages).toContain('tags lists "api" more than once')
  })

  it('requires choices for choice and multichoice parameters', () => {
    const issues = issuesOf(`${BASE}parameters:\n  - name: db\n    type: choice\n`)
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 7,
        column: 5,
        path: '/parameters/0/choices',
        message: 'parameters[0] has type choice and needs a list of choices',
      },
    ])
  })

  it('requires the default to have the parameter type', () => {
    const issues = issuesOf(`${BASE}parameters:\n  - name: port\n    type: integer\n    default: "8000"\n`)
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 9,
        column: 14,
        path: '/parameters/0/default',
        message: `parameters[0].default must be an integer because the parameter's type is integer (got string "8000")`,
      },
    ])
  })

  it('allows pattern only on string parameters', () => {
    const issues = issuesOf(
      `${BASE}parameters:\n  - name: port\n    type: integer\n    pattern: "^[0-9]+$"\n`,
    )
    expect(issues[0]).toMatchObject({line: 9, column: 14, path: '/parameters/0/pattern'})
    expect(issues[0]!.message).toBe(
      'parameters[0].pattern is not allowed for integer parameters (only string parameters take it)',
    )
  })

  it('refuses duplicate parameter names at the second one', () => {
    const issues = issuesOf(
      `${BASE}parameters:\n  - name: a\n    type: string\n  - name: a\n    type: integer\n`,
    )
    expect(issues).toEqual([
      {
        file: 'manifest.yaml',
        line: 9,
        column: 11,
        path: '/parameters/1/name',
        message: 'parameters[1].name "a" is already used by parameters[0]',
      },
    ])
  })

  it('refuses a default that is not among the choices', () => {
    const issues = issuesOf(
      `${BASE}parameters:\n  - name: db\n    type: choice\n    choices: [postgres, sqlite]\n    default: mysql\n` +
        `  - name: f\n    type: multichoice\n    choices: [a, b]\n    default: [a, c]\n`,
    )
    expect(issues.map((i) => i.message)).toEqual([
      'parameters[0].default "mysql" is not one of the choices: postgres, sqlite',
      'parameters[1].default "c" is not one of the choices: a, b',
    ])
    expect(issues[0]).toMatchObject({line: 10, column: 14})
  })

  it('refuses an invalid regular expression in pattern', () => {
    const issues = issuesOf(`${BASE}parameters:\n  - name: a\n    type: string\n    pattern: "([a-z]"\n`)
    expect(issues[0]).toMatchObject({line: 9, path: '/parameters/0/pattern'})
    expect(issues[0]!.message).toMatch(/^parameters\[0\]\.pattern is not a valid regular expression/)
  })

  it('refuses a literal default that does not match its own pattern', () => {
    const issues = issuesOf(
      `${BASE}parameters:\n  - name: a\n    type: string\n    pattern: "^[a-z]+$"\n    default: Abc\n`,
    )
    expect(issues[0]!.message).toBe('parameters[0].default "Abc" does not match its own pattern ^[a-z]+$')
  })

  it('reserves the name maestro for the built-in context', () => {
    const issues = issuesOf(`${BASE}parameters:\n  - name: maestro\n    type: string\n`)
    expect(issues[0]!.message).toMatch(/"maestro" is reserved/)
  })

  it('leaves judging dependency ranges to the quality check', () => {
    const m = parseManifest(`${BASE}dependencies:\n  fastapi: ">=0.110,<1"\n  react: latest\n`)
    expect(m.dependencies).toEqual({fastapi: '>=0.110,<1', react: 'latest'})
    expect(isValidDependencyRange('latest')).toBe(false)
  })

  it('reports schema and semantic problems together, in file order', () => {
    const issues = issuesOf(
      `${BASE.replace('1.2.0', '1.2')}dependencies:\n  a: nope\nparameters:\n  - name: x\n    type: str\n  - name: x\n    type: string\n`,
    )
    expect(issues.map((i) => i.line)).toEqual([2, 10, 11])
  })

  it('refuses an empty manifest and one that is not a mapping', () => {
    expect(issuesOf('')[0]!.message).toBe('manifest is empty')
    expect(issuesOf('- a\n- b\n')[0]!.message).toBe(
      'manifest must be a mapping of keys to values (got a list)',
    )
  })
})

describe('isValidDependencyRange', () => {
  it.each([
    '^1.2.0',
    '~1.2',
    '>=1 <2',
    '1.x',
    '*',
    '1.2.3',
    '>=0.110,<1',
    '==1.2.3',
    '~=1.4',
    '!=1.5.*',
    '>=2.0.0rc1',
    '<3',
  ])('accepts %j', (range) => expect(isValidDependencyRange(range)).toBe(true))

  it.each(['', 'latest', '>=1,,<2', 'banana', '=>1.0'])('refuses %j', (range) =>
    expect(isValidDependencyRange(range)).toBe(false),
  )
})

describe('CATEGORIES', () => {
  it('lists the 15 categories of the catalog', () => {
    expect(CATEGORIES).toHaveLength(15)
    expect(CATEGORIES).toContain('maestro-curated')
  })
})

describe('schemas/manifest.schema.json', () => {
  it('is a valid JSON Schema 2020-12 document (the runtime skips this check for speed)', () => {
    const schema = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'manifest.schema.json'), 'utf8'))
    const ajv = new Ajv2020({strict: true, allowUnionTypes: true})
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true)
    expect(schema.properties.category.enum).toEqual([...CATEGORIES, WORKFLOW_CATEGORY])
  })
})
