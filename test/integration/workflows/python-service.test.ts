import {describe, expect, it} from 'vitest'

import {LOCAL, openRuntime} from './support.js'

describe('python-service workflow', () => {
  it('runs every step and records the execution', async () => {
    const {runtime} = await openRuntime(
      ['fastapi-service', 'github-actions-ci', 'threat-model', 'adr-repository', 'api-contract-tests'],
      ['python-service'],
    )
    const {items} = await runtime.list({...LOCAL})
    expect(items.map((w) => w.name)).toEqual(['python-service'])
    const {execution} = await runtime.execute({...LOCAL}, 'python-service', {
      answers: {service_name: 'billing-api'},
    })
    const {record, workspace} = await runtime.runNow(execution.id)
    expect(record.error).toBeNull()
    expect(record.state).toBe('succeeded')
    expect(record.steps.map((s) => s.state)).toEqual(Array(9).fill('succeeded'))
    const files = [...workspace!.files.keys()]
    expect(files).toContain('.github/workflows/ci.yml')
    expect(files).toContain('docs/security/threat-model/03-stride-analysis.md')
    expect(record.outputs!.commit).toMatch(/^[0-9a-f]{40}$/)
  })
})
