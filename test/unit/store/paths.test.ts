import {describe, expect, it} from 'vitest'

import {UnsafePathError} from '../../../src/domain/errors.js'
import {safeSegments, templateLocation} from '../../../src/store/paths.js'

describe('safeSegments', () => {
  it.each([
    ['manifest.yaml', ['manifest.yaml']],
    ['files/src/{{ name }}/main.py', ['files', 'src', '{{ name }}', 'main.py']],
    ['files/{% if docker %}Dockerfile{% endif %}', ['files', '{% if docker %}Dockerfile{% endif %}']],
    ['files/.gitignore', ['files', '.gitignore']],
    ['files/.github/workflows/ci.yml', ['files', '.github', 'workflows', 'ci.yml']],
    ['files/..hidden', ['files', '..hidden']],
    ['files/日本語.md', ['files', '日本語.md']],
  ])('accepts %j', (path, segments) => {
    expect(safeSegments(path)).toEqual(segments)
  })

  it.each([
    '',
    '/abs',
    'C:/x',
    'c:x',
    '../x',
    'a/../x',
    'a/./x',
    'a//x',
    'a/',
    'a\\b',
    'a\u0000b',
    'a\tb',
    '.git',
    'a/.git/x',
    'a/.GiT',
    'a/.git.',
    'a/.git ',
    'a/GIT~1',
    'a/.g\u200cit',
    `a/${'x'.repeat(256)}`,
  ])('refuses %j', (path) => {
    expect(() => safeSegments(path)).toThrow(UnsafePathError)
  })
})

describe('templateLocation', () => {
  it('splits <category>/<name>', () => {
    expect(templateLocation('maestro-curated/api')).toEqual(['maestro-curated', 'api'])
  })

  it.each(['api', 'a/b/c', '../api', 'a/..', '/a/b'])('refuses %j', (path) => {
    expect(() => templateLocation(path)).toThrow(UnsafePathError)
  })
})
