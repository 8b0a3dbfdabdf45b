/**
 * Every bundled workflow (workflows_storage/) on a store holding the real catalog: run
 * with its defaults and with each of its examples, every step ends as expected, the
 * result holds what each template step wrote (less what later steps moved or deleted),
 * every template's answers file, and a git repository whose tree is the result when the
 * workflow has a git step.
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {loadConfig} from '../../../src/config.js'
import {openLocalRegistry} from '../../../src/registry/local-registry.js'
import type {LocalRegistry} from '../../../src/registry/local-registry.js'
import {WorkflowRuntime} from '../../../src/workflows/runtime.js'
import {parseAnswersDocument} from '../../../src/update/answers-file.js'
import {BUNDLED_WORKFLOWS, CATALOG, LOCAL} from './support.js'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'

const NAMES = readdirSync(BUNDLED_WORKFLOWS).sort()
let home: string
let registry: LocalRegistry
let runtime: WorkflowRuntime

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'maestro-wf-bundled-'))
  const config = loadConfig({MAESTRO_HOME: home, TEMPLATES_STORAGE_PATH: CATALOG, ENABLE_RBAC: 'false'})
  registry = await openLocalRegistry({config, context: {...LOCAL}})
  runtime = new WorkflowRuntime({db: registry.shared.db, registry, host: registry.shared.host, config})
}, 300_000)

afterAll(async () => {
  await registry?.close()
  rmSync(home, {recursive: true, force: true})
})

describe('bundled workflows', () => {
  it('holds at least 8, composing templates of several categories', async () => {
    expect(NAMES.length).toBeGreaterThanOrEqual(8)
    const {items} = await runtime.list({...LOCAL}, {limit: 100})
    expect(items.map((w) => w.name).sort()).toEqual(NAMES)
    for (const w of items) expect(w.quality_score, w.name).toBeGreaterThanOrEqual(70)
    const used = new Set<string>()
    for (const name of NAMES) {
      const definition = parse(readFileSync(join(BUNDLED_WORKFLOWS, name, 'workflow.yaml'), 'utf8'))
      for (const step of definition.steps)
        if (step.uses === 'template') used.add(String(step.with.template).split('@')[0]!)
    }
    expect(used.size).toBeGreaterThanOrEqual(12)
  })

  // Where the parts of a composed project land, so the root's tooling and each part's own
  // agree (test/catalog/workflows.test.ts runs that tooling on the results).
  const LAYOUT: Record<string, {has: string[]; hasNot: string[]; text: Record<string, RegExp>}> = {
    'node-package': {
      has: ['docs/adr/0001-record-architecture-decisions.md', 'scripts/adr', '.github/workflows/adr.yml'],
      hasNot: ['docs/adr/docs/adr/README.md', 'docs/adr/scripts/adr', '.adr-template/README.md'],
      text: {'.prettierignore': /^docs\/adr$/m, 'README.md': /^# my-library/m},
    },
    'nextjs-site': {
      has: ['e2e/playwright.config.ts'],
      hasNot: [],
      text: {
        'tsconfig.json': /"exclude": \[\s*"node_modules",\s*"e2e"\s*\]/,
        'eslint.config.mjs': /"e2e\/\*\*"/,
      },
    },
    'web-app': {
      has: ['e2e/playwright.config.ts', 'docs-site/mkdocs.yml'],
      hasNot: [],
      text: {
        'eslint.config.js': /globalIgnores\(\['dist', 'coverage', 'e2e', 'docs-site'\]\)/,
        '.prettierignore': /^e2e\ndocs-site$/m,
        'vitest.config.ts': /'e2e\/\*\*', 'docs-site\/\*\*'/,
      },
    },
  }
  for (const [name, layout] of Object.entries(LAYOUT))
    it(`${name} puts its parts where their tooling looks`, async () => {
      const {execution} = await runtime.execute({...LOCAL}, name, {answers: {}})
      const {record, workspace} = await runtime.runNow(execution.id)
      expect(record.state, JSON.stringify(record.error)).toBe('succeeded')
      const files = workspace!.files
      for (const f of layout.has) expect(files.has(f), f).toBe(true)
      for (const f of layout.hasNot) expect(files.has(f), f).toBe(false)
      for (const [f, pattern] of Object.entries(layout.text))
        expect(new TextDecoder().decode(files.get(f)), f).toMatch(pattern)
    })

  for (const name of NAMES) {
    const examples = readdirSync(join(BUNDLED_WORKFLOWS, name, 'examples')).filter((f) => f.endsWith('.yaml'))
    for (const answersFile of [null, ...examples]) {
      it(`${name} runs ${answersFile ? `with examples/${answersFile}` : 'with its defaults'}`, async () => {
        const answers = answersFile
          ? parse(readFileSync(join(BUNDLED_WORKFLOWS, name, 'examples', answersFile), 'utf8'))
          : {}
        const {execution} = await runtime.execute({...LOCAL}, name, {answers})
        const {record, workspace} = await runtime.runNow(execution.id)
        expect(record.error, JSON.stringify(record.error)).toBeNull()
        expect(record.state).toBe('succeeded')
        const files = workspace!.files
        const moved = new Set<string>()
        for (const step of record.steps) {
          expect(['succeeded', 'skipped'], `${step.id}: ${step.error?.message}`).toContain(step.state)
          if (step.uses === 'file' && step.outputs)
            for (const f of step.outputs.files as string[]) moved.add(f)
        }
        for (const step of record.steps.filter((s) => s.uses === 'template' && s.state === 'succeeded')) {
          const out = step.outputs as {path: string; files: string[]}
          const kept = out.files.filter((f) => files.has(f))
          // What a later file step moved or deleted is the only thing missing.
          const missing = out.files.filter((f) => !files.has(f))
          expect(
            missing.every(
              (f) =>
                [...moved].some((m) => f.startsWith(m.split('/')[0]!)) ||
                f.startsWith('.ci-template/') ||
                f.startsWith('ci/'),
            ),
            `${step.id} lost ${missing.join(', ')}`,
          ).toBe(true)
          expect(kept.length + missing.length, step.id).toBeGreaterThan(0)
          // One answers file, at the root: an entry per template step, none in the sub-folders.
          if (out.path !== '.') expect(files.has(`${out.path}/.maestro-answers.yaml`), step.id).toBe(false)
          const {entries} = parseAnswersDocument(new TextDecoder().decode(files.get('.maestro-answers.yaml')))
          const entry = entries.find((e) => e.step === step.id)
          expect(entry, `${step.id} in .maestro-answers.yaml`).toBeDefined()
          expect(entry!.path ?? '.').toBe(out.path)
          expect(entry!.version).toBe((step.outputs as {version: string}).version)
        }
        const git = record.steps.find((s) => s.uses === 'git')
        if (git) {
          expect(workspace!.git?.commit).toBe((git.outputs as {commit: string}).commit)
          expect(workspace!.git?.files.has('HEAD')).toBe(true)
        }
        // No unresolved Liquid in what the workflow itself wrote.
        for (const step of record.steps.filter((s) => s.uses === 'file' && s.state === 'succeeded'))
          for (const f of (step.outputs as {files: string[]}).files)
            if (files.has(f) && f.endsWith('.md'))
              expect(new TextDecoder().decode(files.get(f)), f).not.toMatch(/\{\{|\{%/)
      })
    }
  }
})
