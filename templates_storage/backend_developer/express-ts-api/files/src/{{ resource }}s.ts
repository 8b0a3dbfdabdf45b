import {Router} from 'express'

import {HttpError} from './app.js'

export interface {{ resource | capitalize }} {
  id: number
  name: string
  quantity: number
}

function parse(body: unknown): Omit<{{ resource | capitalize }}, 'id'> {
  const errors: {pointer: string; detail: string}[] = []
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof input.name !== 'string' || input.name.length === 0 || input.name.length > 200)
    errors.push({pointer: '/name', detail: 'a string of 1 to 200 characters'})
  const quantity = input.quantity ?? 0
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0)
    errors.push({pointer: '/quantity', detail: 'a non-negative integer'})
  if (errors.length > 0) throw new HttpError(422, 'the body is not valid', errors)
  return {name: input.name as string, quantity: quantity as number}
}

/** In memory: replace the Map with your database. */
export function {{ resource }}sRouter(): Router {
  const store = new Map<number, {{ resource | capitalize }}>()
  let nextId = 1
  const router = Router()

  router.get('/', (req, res) => {
    const limit = Math.min(Number(req.query.limit ?? 20) || 20, 100)
    res.json({items: [...store.values()].slice(0, limit), total: store.size})
  })

  router.post('/', (req, res) => {
    const {{ resource }} = {id: nextId++, ...parse(req.body)}
    store.set({{ resource }}.id, {{ resource }})
    res.status(201).location(`/{{ resource }}s/${ {{- resource }}.id}`).json({{ resource }})
  })

  router.get('/:id', (req, res) => {
    const found = store.get(Number(req.params.id))
    if (!found) throw new HttpError(404, 'no {{ resource }} with this id')
    res.json(found)
  })

  router.delete('/:id', (req, res) => {
    if (!store.delete(Number(req.params.id))) throw new HttpError(404, 'no {{ resource }} with this id')
    res.status(204).end()
  })
  return router
}
