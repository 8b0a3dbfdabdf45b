import {describe, expect, it} from 'vitest'

import {countWords, findSection, parseMarkdown} from '../../../src/quality/markdown.js'
import {positionAt, yamlLocator} from '../../../src/quality/locate.js'

describe('parseMarkdown', () => {
  const doc = [
    'Title',
    '=====',
    '',
    '## Usage',
    '',
    '```sh',
    '# not a heading: a shell comment',
    'maestro-tpl instantiate x out',
    '```',
    '',
    '### Advanced',
    '',
    'text',
    '',
    '## Parameters',
    '',
    '~~~',
    'port: 8000',
    '~~~',
  ].join('\n')
  const outline = parseMarkdown(doc)

  it('finds ATX and setext headings, not lines inside code blocks', () => {
    expect(outline.headings).toEqual([
      {level: 1, text: 'Title', line: 1},
      {level: 2, text: 'Usage', line: 4},
      {level: 3, text: 'Advanced', line: 11},
      {level: 2, text: 'Parameters', line: 15},
    ])
  })

  it('gives sections their nested content and code blocks', () => {
    const usage = findSection(outline, /^usage/i)!
    expect(usage.body).toContain('### Advanced')
    expect(usage.codeBlocks).toEqual([
      {lang: 'sh', content: '# not a heading: a shell comment\nmaestro-tpl instantiate x out', line: 6},
    ])
    expect(findSection(outline, /^parameters/i)!.codeBlocks[0]!.content).toBe('port: 8000')
  })

  it('keeps code out of the prose', () => {
    expect(outline.prose).not.toContain('maestro-tpl')
    expect(countWords(outline.prose)).toBe(5)
  })

  it('treats an unclosed fence as code to the end', () => {
    expect(parseMarkdown('# T\n```\n## not a heading\n').headings).toHaveLength(1)
  })
})

describe('yamlLocator', () => {
  const at = yamlLocator(
    'name: x\nparameters:\n  - name: port\n    type: integer\ndependencies:\n  fastapi: "*"\n',
  )

  it('finds keys, list items and nested keys', () => {
    expect(at(['name'])).toEqual({line: 1, column: 1})
    expect(at(['parameters', 0])).toEqual({line: 3, column: 5})
    expect(at(['parameters', 0, 'type'])).toEqual({line: 4, column: 5})
    expect(at(['dependencies', 'fastapi'])).toEqual({line: 6, column: 3})
  })

  it('falls back to the deepest part that exists', () => {
    expect(at(['parameters', 0, 'description'])).toEqual({line: 3, column: 5})
    expect(at(['license'])).toEqual({})
  })

  it('computes positions of offsets', () => {
    expect(positionAt('ab\ncd\nef', 4)).toEqual({line: 2, column: 2})
    expect(positionAt('ab', 0)).toEqual({line: 1, column: 1})
  })
})
