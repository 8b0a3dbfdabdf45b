import {describe, expect, it} from 'vitest'

import {formatMessage, parseTrailers, subjectOf} from '../../../src/store/message.js'

describe('commit messages', () => {
  it('puts the trailers in the last paragraph and reads them back', () => {
    const message = formatMessage('create api@1.0.0', {
      operation: 'create',
      template: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
    })
    expect(message).toBe(
      'create api@1.0.0\n\nMaestro-Operation: create\nMaestro-Template: api\nMaestro-Version: 1.0.0\nMaestro-Path: backend_developer/api\n',
    )
    expect(parseTrailers(message)).toEqual({
      operation: 'create',
      template: 'api',
      version: '1.0.0',
      path: 'backend_developer/api',
    })
  })

  it('keeps a body and ignores trailer-like text outside the last paragraph', () => {
    const message = formatMessage('Fix\r\n\r\nMaestro-Operation: delete\r\nMaestro-Template: other\r\n', {
      operation: 'update',
      template: 'api',
    })
    expect(
      message.startsWith(
        'Fix\n\nMaestro-Operation: delete\nMaestro-Template: other\n\nMaestro-Operation: update',
      ),
    ).toBe(true)
    expect(parseTrailers(message)).toEqual({operation: 'update', template: 'api'})
  })

  it('finds no trailers in a subject-only message or a foreign commit', () => {
    expect(parseTrailers('Maestro-Operation: create')).toEqual({})
    expect(parseTrailers('Initial commit\n\nSigned-off-by: someone <a@b>\n')).toEqual({})
  })

  it('reads the subject line', () => {
    expect(subjectOf('\nsubject  \n\nbody')).toBe('subject')
  })
})
