import {createApp} from './app.js'

const port = Number(process.env.PORT ?? {{ port }})
const server = createApp().listen(port, () => {
  console.log(JSON.stringify({msg: '{{ service_name }} listening', port}))
})

// Kubernetes and Docker send SIGTERM: stop accepting, finish what is in flight, then exit.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0))
    setTimeout(() => process.exit(1), 10_000).unref()
  })
}
