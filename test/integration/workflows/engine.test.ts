/**
 * The engine through the runtime, on SQLite and on PostgreSQL with Redis: every action, conditions and outputs, a
 * failing gate, expressions that loop or blow up, paths that escape only once
 * evaluated, cancel mid-run, retry from the failed step (finished steps not redone), and
 * a resumed execution rebuilding its workspace from the recorded step changes.
 */
import {describe, expect, it, onTestFinished} from 'vitest'

import {RenderPool} from '../../../src/sandbox/pool.js'
import type {RenderHost} from '../../../src/sandbox/host.js'
import {parseWorkflowFiles} from '../../../src/workflows/package.js'
import {DEMO, workflowFiles} from './fixtures.js'
import {BACKENDS, LOCAL, openRuntime} from './support.js'
import type {Backend} from './support.js'

const HEAD = `name: probe
version: 1.0.0
description: A probe workflow for the engine tests.
author: Tests
license: MIT
tags: [probe, tests, engine]
`

async function withWorkflow(
  backend: Backend,
  yaml: string,
  templates: string[] = [],
  renderHost?: RenderHost,
) {
  const opened = await openRuntime(templates, [], await backend.env(), renderHost)
  await opened.runtime.publish({...LOCAL}, parseWorkflowFiles(workflowFiles(yaml)))
  return opened
}

async function runOnce(backend: Backend, yaml: string, answers = {}, templates: string[] = []) {
  const {runtime} = await withWorkflow(backend, yaml, templates)
  const name = /^name: (\S+)/m.exec(yaml)![1]!
  const {execution} = await runtime.execute({...LOCAL}, name, {answers})
  return {runtime, ...(await runtime.runNow(execution.id))}
}

for (const backend of BACKENDS)
  describe.skipIf(!backend.enabled)(`workflow engine on ${backend.name}`, () => {
    it('runs every action with conditions and outputs feeding later steps', async () => {
      const {record, workspace} = await runOnce(backend, DEMO, {project: 'atlas', skip_notes: false}, [
        'adr-repository',
      ])
      expect(record.error).toBeNull()
      const files = workspace!.files
      const text = (p: string) => new TextDecoder().decode(files.get(p))
      expect(text('README.md')).toMatch(/^# atlas\n\nADRs: \d+ files\n$/)
      expect(text('docs/README.md')).toBe(text('README.md'))
      expect(JSON.parse(text('settings.json'))).toEqual({
        name: 'atlas',
        features: {adr: true, files: expect.any(Number), gate: true},
      })
      expect(files.has('NOTES.md')).toBe(true)
      expect(record.outputs).toMatchObject({notes: 'succeeded', version: '1.0.0'})
      // A single expression keeps its type: the count is a number, not "12".
      expect(typeof record.outputs!.adr_files).toBe('number')
      expect(record.steps.find((s) => s.id === 'docs')!.outputs).toMatchObject({
        template: 'adr-repository',
        path: 'docs/adr',
      })
      expect(workspace!.git!.files.has('HEAD')).toBe(true)
    })

    it('fails at a gate whose condition is false, keeping the steps before it', async () => {
      const {record} = await runOnce(
        backend,
        `${HEAD}parameters:
  - {name: ready, type: boolean, default: false, description: Ready}
steps:
  - {id: a, uses: file, with: {path: a.txt, content: a}}
  - {id: check, uses: gate, with: {condition: '{{ parameters.ready }}', message: not ready yet}}
  - {id: b, uses: file, with: {path: b.txt, content: b}}
`,
      )
      expect(record.state).toBe('failed')
      expect(record.error).toMatchObject({code: 'WORKFLOW_GATE_FAILED', step: 'check'})
      expect(record.error!.message).toContain('not ready yet')
      expect(record.steps.map((s) => s.state)).toEqual(['succeeded', 'failed', 'pending'])
    })

    it('fails a gate on the quality score of the templates used', async () => {
      const {record} = await runOnce(
        backend,
        `${HEAD}steps:
  - {id: docs, uses: template, with: {template: adr-repository, answers: {project_name: x, adoption_date: '2026-01-01'}}}
  - {id: bar, uses: gate, with: {min_quality: 101}}
`,
        {},
        ['adr-repository'],
      )
      expect(record.error).toMatchObject({code: 'WORKFLOW_GATE_FAILED'})
      expect(record.error!.message).toMatch(/quality below 101: adr-repository \(\d+\)/)
    })

    it('stops expressions that loop or blow up with the render limits', async () => {
      const loop = await runOnce(
        backend,
        `${HEAD}steps:
  - id: a
    uses: file
    with:
      path: a.txt
      content: '{% for i in (1..100000000) %}{{ i }}{% for j in (1..100000000) %}x{% endfor %}{% endfor %}'
`,
      )
      expect(loop.record.state).toBe('failed')
      expect(loop.record.error!.code).toBe('RENDER_LIMIT_EXCEEDED')
      const blowup = await runOnce(
        backend,
        `${HEAD}steps:
  - id: a
    uses: file
    with:
      path: a.txt
      content: '{% assign s = "xxxxxxxxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}'
`,
      )
      expect(blowup.record.error!.code).toBe('RENDER_LIMIT_EXCEEDED')
    }, 60_000)

    it('refuses paths that leave the workspace once evaluated', async () => {
      for (const path of ['{{ "../outside" }}', '{{ "/etc/passwd" }}', '{{ "x/.git/config" }}']) {
        const {record} = await runOnce(
          backend,
          `${HEAD}steps:\n  - {id: a, uses: file, with: {path: '${path}', content: x}}\n`,
        )
        expect(record.error, path).toMatchObject({code: 'UNSAFE_PATH', step: 'a'})
      }
      const {record} = await runOnce(
        backend,
        `${HEAD}steps:\n  - {id: a, uses: template, with: {template: adr-repository, path: '{{ "a/../../b" }}', answers: {project_name: x, adoption_date: '2026-01-01'}}}\n`,
        {},
        ['adr-repository'],
      )
      expect(record.error).toMatchObject({code: 'UNSAFE_PATH'})
    })

    it('cancels a running execution before its next step', async () => {
      const {runtime} = await withWorkflow(
        backend,
        `${HEAD}steps:
  - {id: a, uses: template, with: {template: adr-repository, answers: {project_name: x, adoption_date: '2026-01-01'}}}
  - {id: b, uses: template, with: {template: adr-repository, path: again, answers: {project_name: y, adoption_date: '2026-01-01'}}}
  - {id: c, uses: file, with: {path: c.txt, content: c}}
`,
        ['adr-repository'],
      )
      const {execution} = await runtime.execute({...LOCAL}, 'probe')
      const {record} = await runtime.runNow(execution.id, async (event) => {
        // As another request would, while the execution runs.
        if (event.type === 'step' && event.data.id === 'a' && event.data.state === 'succeeded')
          expect((await runtime.cancel({...LOCAL}, execution.id)).cancel_requested).toBe(true)
      })
      expect(record.state).toBe('cancelled')
      expect(record.steps.map((s) => s.state)).toEqual(['succeeded', 'pending', 'pending'])
      const again = await runtime.status({...LOCAL}, execution.id)
      expect(again.state).toBe('cancelled')
    })

    it('interrupts a long step on cancel: the render stops, the step does not finish', async () => {
      // The daemon's host: jobs in a worker with a time limit well past the step's length,
      // so only the cancel can stop it early (uninterrupted, Liquid's own 10 s render limit
      // would fail it with RENDER_LIMIT_EXCEEDED).
      const pool = new RenderPool({workers: 1, timeoutMs: 60_000})
      onTestFinished(() => pool.close())
      const {runtime} = await withWorkflow(
        backend,
        `${HEAD}steps:
  - {id: a, uses: file, with: {path: a.txt, content: a}}
  - id: long
    uses: file
    with:
      path: long.txt
      content: '{% for i in (1..2000) %}{% for j in (1..2000) %}{% endfor %}{% endfor %}done'
  - {id: c, uses: file, with: {path: c.txt, content: c}}
`,
        [],
        pool,
      )
      const {execution} = await runtime.execute({...LOCAL}, 'probe')
      let cancelledAt = 0
      const started = performance.now()
      const {record} = await runtime.runNow(execution.id, (event) => {
        if (event.type === 'step' && event.data.id === 'long' && event.data.state === 'running')
          // As another request would, a moment into the step (not awaited: the step runs meanwhile).
          setTimeout(() => {
            cancelledAt = performance.now()
            void runtime.cancel({...LOCAL}, execution.id)
          }, 500)
      })
      const stoppedAfter = performance.now() - cancelledAt
      expect(cancelledAt, 'the cancel was sent while the step ran').toBeGreaterThan(started)
      expect(record.state).toBe('cancelled')
      expect(record.error).toMatchObject({code: 'EXECUTION_CANCELLED', step: 'long'})
      const long = record.steps.find((s) => s.id === 'long')!
      expect(long.state).toBe('failed')
      expect(long.error).toMatchObject({code: 'EXECUTION_CANCELLED'})
      expect(record.steps.map((s) => s.state)).toEqual(['succeeded', 'failed', 'pending'])
      // Stopped within a few polls, not at the end of the render (10 s).
      expect(stoppedAfter).toBeLessThan(3000)
      // The pool replaced the stopped worker: the next job runs.
      expect(await pool.evaluate({entries: [{label: 'x', value: '{{ 1 | plus: 1 }}'}], scope: {}})).toEqual([
        2,
      ])
    }, 60_000)

    it('retries from the failed step: finished steps are kept, not run again', async () => {
      const {runtime, registry} = await withWorkflow(
        backend,
        `${HEAD}steps:
  - {id: a, uses: file, with: {path: a.txt, content: '{{ execution.id }}'}}
  - {id: b, uses: template, with: {template: '{{ "adr-repository" }}', path: docs, answers: {project_name: x, adoption_date: '2026-01-01'}}}
  - {id: c, uses: file, with: {action: copy, from: a.txt, path: c.txt}}
`,
      )
      const {execution} = await runtime.execute({...LOCAL}, 'probe')
      const first = await runtime.runNow(execution.id)
      expect(first.record.error).toMatchObject({step: 'b', code: 'NOT_FOUND'})
      // Publish the missing template, then retry.
      await registry.importCatalog((await import('./support.js')).catalogOf(['adr-repository']))
      await runtime.retry({...LOCAL}, execution.id)
      const second = await runtime.runNow(execution.id)
      expect(second.record.state).toBe('succeeded')
      expect(second.record.steps.map((s) => [s.id, s.attempts])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 1],
      ])
      // Step a was not run again: its file came back from the recorded changes.
      expect(new TextDecoder().decode(second.workspace!.files.get('c.txt'))).toBe(execution.id)
      const retryAgain = runtime.retry({...LOCAL}, execution.id)
      await expect(retryAgain).rejects.toMatchObject({code: 'EXECUTION_STATE'})
    })

    it('answers another tenant 404 for an execution', async () => {
      const {runtime} = await withWorkflow(
        backend,
        `${HEAD}steps:\n  - {id: a, uses: file, with: {path: a.txt, content: a}}\n`,
      )
      const {execution} = await runtime.execute({...LOCAL}, 'probe')
      const other = {tenant: 'globex', user: 'g', role: 'admin' as const}
      await expect(runtime.status(other, execution.id)).rejects.toMatchObject({code: 'NOT_FOUND'})
      await expect(runtime.cancel(other, execution.id)).rejects.toMatchObject({code: 'NOT_FOUND'})
      await expect(runtime.get(other, 'probe')).rejects.toMatchObject({code: 'NOT_FOUND'})
    })
  })
