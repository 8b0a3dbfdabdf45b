import type {AddressInfo} from 'node:net'
import type {Server} from 'node:http'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createApp} from '../src/app.js'

let server: Server
let base: string

beforeAll(async () => {
  server = createApp().listen(0)
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise((resolve) => server.close(resolve)))

describe('/{{ resource }}s', () => {
  it('creates a {{ resource }} and reads it back', async () => {
    const created = await fetch(`${base}/{{ resource }}s`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({name: 'bolt', quantity: 3}),
    })
    expect(created.status).toBe(201)
    const read = await fetch(`${base}${created.headers.get('location')}`)
    expect(await read.json()).toMatchObject({name: 'bolt', quantity: 3})
  })

  it('answers an invalid body with problem+json and pointers', async () => {
    const response = await fetch(`${base}/{{ resource }}s`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({name: '', quantity: -1}),
    })
    expect(response.status).toBe(422)
    expect(response.headers.get('content-type')).toContain('application/problem+json')
    const problem = (await response.json()) as {errors: {pointer: string}[]}
    expect(problem.errors.map((e) => e.pointer)).toEqual(['/name', '/quantity'])
  })

  it('answers 404 for an unknown id, with a request id', async () => {
    const response = await fetch(`${base}/{{ resource }}s/999`)
    expect(response.status).toBe(404)
    expect(response.headers.get('x-request-id')).toBeTruthy()
  })
})
