/** docs/catalog.md is generated from the manifests: a template added or changed without regenerating it fails here. */
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

import {describe, expect, it} from 'vitest'

const SCRIPT = fileURLToPath(new URL('../../scripts/catalog-docs.mjs', import.meta.url))

describe('docs/catalog.md', () => {
  it('is what scripts/catalog-docs.mjs makes from the manifests today', () => {
    const result = spawnSync(process.execPath, [SCRIPT, '--check'], {encoding: 'utf8'})
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0)
  })
})
