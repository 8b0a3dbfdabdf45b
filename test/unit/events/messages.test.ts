import {describe, expect, it} from 'vitest'

import {
  MalformedRequest,
  decodeRequest,
  decodeResult,
  encodeRequest,
  encodeResult,
  parseTimestamp,
} from '../../../src/events/messages.js'

describe('request timestamps (the original service wrote ISO without an offset and epoch seconds)', () => {
  it.each([
    ['2025-10-26T12:00:00Z', '2025-10-26T12:00:00.000Z'],
    ['2025-10-26T12:00:00.123456', '2025-10-26T12:00:00.123Z'],
    ['2025-10-26T14:00:00+02:00', '2025-10-26T12:00:00.000Z'],
    ['1761480000', '2025-10-26T12:00:00.000Z'],
    ['1761480000.5', '2025-10-26T12:00:00.500Z'],
    ['1761480000000', '2025-10-26T12:00:00.000Z'],
  ])('reads %s as %s', (raw, iso) => {
    expect(parseTimestamp(raw)?.toISOString()).toBe(iso)
  })

  it('refuses what is no time', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined()
  })

  it("reads a request sent as JSON in a data field, as the original service's clients send it", () => {
    const request = decodeRequest('1-0', {
      data: JSON.stringify({
        template_id: 'fastapi-service',
        operation: 'retrieve',
        tenant_id: 'acme',
        user_id: 'user-456',
        parameters: {version: '^1'},
        timestamp: 1761480000,
      }),
    })
    expect(request).toMatchObject({
      request_id: '1-0',
      parameters: {version: '^1'},
      user_id: 'user-456',
      timestamp: '2025-10-26T12:00:00.000Z',
    })
    expect(() => decodeRequest('2-0', {data: 'not json'})).toThrow(MalformedRequest)
  })
})

describe('request messages', () => {
  it('reads the fields of a request, with defaults for the optional ones', () => {
    const request = decodeRequest('1700000000000-0', {
      template_id: 'fastapi-service',
      operation: 'retrieve',
      tenant_id: 'acme',
      timestamp: '1700000000000',
    })
    expect(request).toEqual({
      request_id: '1700000000000-0',
      template_id: 'fastapi-service',
      operation: 'retrieve',
      tenant_id: 'acme',
      user_id: 'events',
      parameters: {},
      timestamp: '2023-11-14T22:13:20.000Z',
    })
  })

  it('round-trips what encodeRequest writes', () => {
    const fields = encodeRequest({
      request_id: 'r-1',
      template_id: 'billing',
      operation: 'create',
      tenant_id: 'acme',
      user_id: 'ana',
      parameters: {files: {'README.md': '# billing'}},
    })
    expect(Object.values(fields).every((v) => typeof v === 'string')).toBe(true)
    expect(decodeRequest('1-0', fields)).toMatchObject({
      request_id: 'r-1',
      operation: 'create',
      parameters: {files: {'README.md': '# billing'}},
    })
  })

  it.each([
    [{operation: 'retrieve', tenant_id: 'acme'}, 'template_id must be 1 to 300 characters'],
    [{template_id: 'x', operation: 'launch', tenant_id: 'acme'}, 'operation must be one of'],
    [{template_id: 'x', operation: 'retrieve', tenant_id: '../etc'}, 'tenant_id must match'],
    [
      {template_id: 'x', operation: 'retrieve', tenant_id: 'acme', parameters: '[1]'},
      'parameters must be a JSON object',
    ],
    [
      {template_id: 'x', operation: 'retrieve', tenant_id: 'acme', parameters: '{'},
      'parameters must be a JSON object',
    ],
    [
      {template_id: 'x', operation: 'retrieve', tenant_id: 'acme', timestamp: 'yesterday'},
      'timestamp must be',
    ],
  ])('refuses %j with a reason', (fields, reason) => {
    let error: unknown
    try {
      decodeRequest('5-0', {request_id: 'r-9', ...fields})
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(MalformedRequest)
    expect((error as MalformedRequest).message).toContain(reason)
    expect((error as MalformedRequest).requestId).toBe('r-9')
  })
})

describe('result messages', () => {
  it('writes every field as a string and reads it back', () => {
    const fields = encodeResult({
      request_id: 'r-1',
      template_id: 'billing',
      status: 'error',
      result: null,
      error: 'template "billing" not found',
      error_code: 'NOT_FOUND',
      duration_ms: 3.6,
    })
    expect(fields).toMatchObject({status: 'error', result: 'null', error_code: 'NOT_FOUND', duration_ms: '4'})
    expect(decodeResult(fields)).toMatchObject({
      status: 'error',
      error_code: 'NOT_FOUND',
      result: null,
      duration_ms: 4,
    })
  })
})
