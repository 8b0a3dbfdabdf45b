import {createServer} from 'node:http'

import {run} from './execute.js'

const port = Number(process.env.PORT ?? {{ port }})

createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    res.writeHead(404).end()
    return
  }
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > 100_000) {
      res.writeHead(413).end()
      return
    }
  }
  try {
    const {query, variables} = JSON.parse(body) as {query: string; variables?: Record<string, unknown>}
    const result = await run(query, variables)
    res.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(result))
  } catch {
    res.writeHead(400, {'content-type': 'application/json'}).end(JSON.stringify({errors: [{message: 'bad request'}]}))
  }
}).listen(port, () => console.log(`{{ service_name }} on :${port}/graphql`))
