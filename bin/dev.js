#!/usr/bin/env node
// Runs the bundled commands too: build first (`npm run build`). Kept so oclif's
// development conventions (bin/dev.js) hold; development flag enables stack traces.
process.setSourceMapsEnabled(true)
const {execute} = await import('../dist/bundle/oclif.js')

await execute({development: true, dir: import.meta.url})
