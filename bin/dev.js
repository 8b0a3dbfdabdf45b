#!/usr/bin/env node
// Runs the compiled commands too: build first (`npm run build`). Kept so oclif's
// development conventions (bin/dev.js) hold; development flag enables stack traces.
import {execute} from '@oclif/core'

await execute({development: true, dir: import.meta.url})
