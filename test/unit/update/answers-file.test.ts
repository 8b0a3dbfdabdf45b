import {describe, expect, it} from 'vitest'

import {MaestroError} from '../../../src/domain/errors.js'
import {parseAnswersDocument, serializeAnswersDocument} from '../../../src/update/answers-file.js'

const text = (b: Uint8Array) => new TextDecoder().decode(b)

describe('.maestro-answers.yaml', () => {
  it('reads the single form instantiate writes, and writes it back the same way', () => {
    const single =
      'template: fastapi-service\nversion: 1.0.0\ncommit: abc\nanswers:\n  project_name: billing\n'
    const doc = parseAnswersDocument(single)
    expect(doc.entries).toEqual([
      {template: 'fastapi-service', version: '1.0.0', commit: 'abc', answers: {project_name: 'billing'}},
    ])
    expect(text(serializeAnswersDocument(doc))).toMatch(
      /^# Written by maestro-tpl.*\ntemplate: fastapi-service\n/,
    )
    expect(parseAnswersDocument(text(serializeAnswersDocument(doc)))).toEqual(doc)
  })

  it('reads and writes one entry per template step', () => {
    const doc = parseAnswersDocument(
      'templates:\n  - {template: a, version: 1.0.0, commit: c1, step: api, path: api, project: p1, answers: {x: 1}}\n  - {template: b, version: 2.0.0, commit: c2, answers: {}}\n',
    )
    expect(doc.entries).toEqual([
      {
        template: 'a',
        version: '1.0.0',
        commit: 'c1',
        step: 'api',
        path: 'api',
        project: 'p1',
        answers: {x: 1},
      },
      {template: 'b', version: '2.0.0', commit: 'c2', answers: {}},
    ])
    const again = text(serializeAnswersDocument(doc))
    expect(again).toContain('templates:\n')
    expect(parseAnswersDocument(again)).toEqual(doc)
  })

  it('records the namespace and the file steps of a workflow, and refuses moves leaving the project', () => {
    const doc = parseAnswersDocument(
      [
        'templates:',
        '  - template: github-actions-ci',
        '    namespace: public',
        '    version: 1.0.0',
        '    commit: c1',
        '    step: ci',
        '    path: ci',
        '    moves:',
        '      - {step: workflows_dir, action: move, from: ci/.github, to: .github}',
        '      - {step: tidy, action: delete, path: ci/README.md}',
        '      - {step: copy, action: copy, from: ci/x, to: y}',
        '    answers: {}',
        '',
      ].join('\n'),
    )
    expect(doc.entries[0]).toMatchObject({
      namespace: 'public',
      moves: [
        {step: 'workflows_dir', action: 'move', from: 'ci/.github', to: '.github'},
        {step: 'tidy', action: 'delete', path: 'ci/README.md'},
        {step: 'copy', action: 'copy', from: 'ci/x', to: 'y'},
      ],
    })
    expect(parseAnswersDocument(text(serializeAnswersDocument(doc)))).toEqual(doc)
    // One entry with moves keeps the list form: the single form has no room for them.
    const moved = serializeAnswersDocument({
      entries: [
        {
          template: 'a',
          version: '1.0.0',
          commit: '',
          answers: {},
          moves: [{step: 's', action: 'delete', path: 'x'}],
        },
      ],
    })
    expect(text(moved)).toContain('templates:')
    const single = parseAnswersDocument('template: a\nnamespace: acme\nversion: 1.0.0\nanswers: {}\n')
    expect(single.entries[0]).toMatchObject({template: 'a', namespace: 'acme'})
    expect(text(serializeAnswersDocument(single))).toMatch(/\ntemplate: a\nnamespace: acme\nversion: 1.0.0\n/)
    for (const bad of [
      '{step: s, action: move, from: ../x, to: y}',
      '{step: s, action: delete, path: /etc/passwd}',
      '{step: s, action: rename, from: a, to: b}',
      '{step: s, action: move, from: a}',
    ])
      expect(() =>
        parseAnswersDocument(`template: a\nversion: 1.0.0\nmoves:\n  - ${bad}\nanswers: {}\n`),
      ).toThrow(MaestroError)
  })

  it('refuses what is not an answers file, and an entry path leaving the project', () => {
    for (const bad of [
      '- 1',
      'template: a\n',
      'templates: []',
      'templates:\n  - {template: a, version: 1.0.0, commit: c, path: ../x}',
    ])
      expect(() => parseAnswersDocument(bad)).toThrow(MaestroError)
  })

  it('keeps answers named like Object.prototype members as plain keys', () => {
    const doc = parseAnswersDocument(
      'template: a\nversion: 1.0.0\ncommit: c\nanswers: {constructor: x, __proto__: y}\n',
    )
    expect(Object.keys(doc.entries[0]!.answers).sort()).toEqual(['__proto__', 'constructor'])
  })
})
