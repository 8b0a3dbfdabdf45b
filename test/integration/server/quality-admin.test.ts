import {describe, expect, it} from 'vitest'

import {expectProblem, expectSchema, startTestServer, templateUpload} from './support.js'

describe('daemon: quality', () => {
  it('validates template files: a full report that passes', async () => {
    const server = await startTestServer()
    const res = await server.api('/api/v1/quality/validate', {json: templateUpload({name: 'good'})})
    expect(res.status).toBe(200)
    const report = await res.json()
    expectSchema(report, 'QualityReport')
    expect(report).toMatchObject({template: 'good', passed: true, minScore: 70})
    expect(report.checks.map((c: {id: string}) => c.id).sort()).toEqual(
      ['dependencies', 'documentation', 'examples', 'metadata', 'structure'].sort(),
    )
  })

  it('reports a weak template as failing (200, passed false) with recommendations', async () => {
    const server = await startTestServer()
    const {files} = templateUpload({name: 'weak'})
    files['README.md'] = {content: '# weak\n', encoding: 'utf8'}
    const res = await server.api('/api/v1/quality/validate?minScore=90', {json: {files}})
    expect(res.status).toBe(200)
    const report = await res.json()
    expect(report.passed).toBe(false)
    expect(report.minScore).toBe(90)
    const docs = report.checks.find((c: {id: string}) => c.id === 'documentation')
    expect(docs.recommendations.length).toBeGreaterThan(0)
  })

  it('reports an invalid manifest as a report (score 0), and an unsafe path as a 422', async () => {
    const server = await startTestServer()
    const {files} = templateUpload()
    files['manifest.yaml'] = {content: 'name: [unclosed\n', encoding: 'utf8'}
    const res = await server.api('/api/v1/quality/validate', {json: {files}})
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({score: 0, passed: false})
    const unsafe = templateUpload()
    unsafe.files['../x'] = {content: 'x', encoding: 'utf8'}
    await expectProblem(await server.api('/api/v1/quality/validate', {json: unsafe}), 422, 'UNSAFE_PATH')
  })

  it('renders the report as JUnit or SARIF for CI systems', async () => {
    const server = await startTestServer()
    const junit = await server.api('/api/v1/quality/validate?format=junit', {json: templateUpload()})
    expect(junit.headers.get('content-type')).toMatch(/^application\/xml/)
    expect(await junit.text()).toContain('<testsuites')
    const sarif = await server.api('/api/v1/quality/validate?format=sarif', {json: templateUpload()})
    expect((await sarif.json()).version).toBe('2.1.0')
    await expectProblem(
      await server.api('/api/v1/quality/validate?format=pdf', {json: templateUpload()}),
      400,
      'VALIDATION_ERROR',
    )
  })

  it('scores a published template by reference, and only returns the score', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates', {json: templateUpload({name: 'scored'})})
    const res = await server.api('/api/v1/quality/score', {json: {ref: 'scored'}})
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'ScoreResult')
    expect(body).toMatchObject({template: 'scored', passed: true})
    await expectProblem(await server.api('/api/v1/quality/score', {json: {ref: 'missing'}}), 404, 'NOT_FOUND')
    await expectProblem(
      await server.api('/api/v1/quality/score', {json: {ref: 'x', files: {}}}),
      400,
      'VALIDATION_ERROR',
    )
    await expectProblem(
      await server.api('/api/v1/quality/score?minScore=-1', {json: {ref: 'x'}}),
      400,
      'VALIDATION_ERROR',
    )
  })

  it('builds the registry-wide report per category', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates', {json: templateUpload({name: 'one'})})
    await server.api('/api/v1/templates', {json: templateUpload({name: 'two', category: 'qa_engineer'})})
    const res = await server.api('/api/v1/quality/report')
    expect(res.status).toBe(200)
    const report = await res.json()
    expect(report.totals.templates).toBe(2)
    expect(report.categories.map((c: {category: string}) => c.category)).toEqual([
      'backend_developer',
      'qa_engineer',
    ])
    const strict = await (await server.api('/api/v1/quality/report?minScore=100')).json()
    expect(strict.minScore).toBe(100)
    expect(strict.totals.failing).toBeGreaterThanOrEqual(0)
    await expectProblem(await server.api('/api/v1/quality/report?minScore=x'), 400, 'VALIDATION_ERROR')
  })
})

describe('daemon: admin', () => {
  it('reports statistics', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates', {json: templateUpload({name: 'counted'})})
    const res = await server.api('/api/v1/admin/stats')
    expect(res.status).toBe(200)
    const stats = await res.json()
    expectSchema(stats, 'AdminStats')
    expect(stats).toMatchObject({templates: 1, versions: 1})
    expect(stats.uptime_seconds).toBeGreaterThanOrEqual(0)
  })

  it('clears the caches, so a read goes to the registry again', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates', {json: templateUpload({name: 'cache-me'})})
    await server.api('/api/v1/templates/cache-me')
    await server.api('/api/v1/templates/cache-me')
    const before = (await (await server.api('/api/v1/admin/stats')).json()).response_cache
    expect(before.hits).toBeGreaterThanOrEqual(1)
    const res = await server.api('/api/v1/admin/cache/clear', {method: 'POST'})
    expect(await res.json()).toEqual({cleared: true})
    const after = (await (await server.api('/api/v1/admin/stats')).json()).response_cache
    expect(after.entries).toBe(0)
  })

  it('reindexes from git', async () => {
    const server = await startTestServer()
    await server.api('/api/v1/templates', {json: templateUpload({name: 'reindexed'})})
    const res = await server.api('/api/v1/admin/reindex', {method: 'POST'})
    expect(res.status).toBe(200)
    const body = await res.json()
    expectSchema(body, 'ReindexResult')
    expect(body.namespaces).toEqual(
      expect.arrayContaining([expect.objectContaining({namespace: 'local', templates: 1})]),
    )
  })
})
