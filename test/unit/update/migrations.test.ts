import {describe, expect, it} from 'vitest'

import {InvalidTemplateError} from '../../../src/domain/errors.js'
import {parseManifest} from '../../../src/domain/manifest.js'
import {migrateAnswers, migrationPaths, migrationsBetween} from '../../../src/update/migrations.js'

const head = `name: demo
version: 2.1.0
description: A template whose versions move things around
category: backend_developer
author: tests
parameters:
  - {name: project_name, type: string, default: demo}
`

describe('template migrations', () => {
  it('are validated with the manifest: one action per step, semver, safe paths', () => {
    const ok = parseManifest(`${head}migrations:
  - {version: 2.0.0, rename_parameter: {from: name, to: project_name}}
  - {version: 2.1.0, move: {from: "{{ project_name }}/a.py", to: "src/{{ project_name }}/a.py"}}
  - {version: 2.1.0, delete: setup.cfg}
`)
    expect(ok.migrations).toHaveLength(3)
    for (const bad of [
      '  - {version: 2.0.0}',
      '  - {version: 2.0.0, delete: a, move: {from: b, to: c}}',
      '  - {version: two, delete: a}',
      '  - {version: 3.0.0, delete: a}',
      '  - {version: 2.0.0, delete: ../etc/passwd}',
      '  - {version: 2.0.0, rename_parameter: {from: a, to: a}}',
      '  - {version: 2.0.0, run: "rm -rf /"}',
    ])
      expect(() => parseManifest(`${head}migrations:\n${bad}\n`), bad).toThrow(InvalidTemplateError)
  })

  it('apply the steps between two versions, in version order', () => {
    const manifest = parseManifest(`${head}migrations:
  - {version: 2.1.0, rename_parameter: {from: title, to: project_name}}
  - {version: 1.5.0, rename_parameter: {from: name, to: title}}
  - {version: 1.0.0, delete: too-old}
`)
    const steps = migrationsBetween(manifest, '1.0.0', '2.1.0')
    expect(steps.map((s) => s.version)).toEqual(['1.5.0', '2.1.0'])
    expect(migrateAnswers({name: 'billing', port: 1}, steps)).toEqual({project_name: 'billing', port: 1})
    expect(migrationsBetween(manifest, '2.1.0', '2.1.0')).toEqual([])
  })

  it('render paths over the answers, under the template folder of the project', async () => {
    const manifest = parseManifest(`${head}migrations:
  - {version: 2.1.0, move: {from: "{{ project_name }}/a.py", to: "src/{{ project_name }}/a.py"}}
  - {version: 2.1.0, delete: "{{ project_name }}.cfg"}
`)
    const paths = await migrationPaths(manifest.migrations!, {project_name: 'billing'}, manifest, 'api/')
    expect(paths).toEqual({
      moves: [{from: 'api/billing/a.py', to: 'api/src/billing/a.py'}],
      deletes: ['api/billing.cfg'],
    })
    await expect(migrationPaths(manifest.migrations!, {project_name: '..'}, manifest, '')).rejects.toThrow(
      /unsafe path/,
    )
  })
})
