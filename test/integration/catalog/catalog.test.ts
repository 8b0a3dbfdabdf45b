import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {CATEGORIES} from '../../../src/domain/manifest.js'
import {resolveAnswers} from '../../../src/render/answers.js'
import {loadTemplateDir} from '../../../src/domain/template.js'
import {scoreTemplate} from '../../../src/quality/score.js'
import {renderTemplate} from '../../../src/render/render.js'

const CATALOG = new URL('../../../templates_storage', import.meta.url).pathname

function folders(): {category: string; name: string; dir: string}[] {
  const out = []
  for (const category of readdirSync(CATALOG).sort()) {
    if (!statSync(join(CATALOG, category)).isDirectory()) continue
    for (const name of readdirSync(join(CATALOG, category)).sort()) {
      out.push({category, name, dir: join(CATALOG, category, name)})
    }
  }
  return out
}

const text = (files: Map<string, Uint8Array>, path: string) => new TextDecoder().decode(files.get(path))

describe('the bundled catalog', () => {
  it('covers every category', () => {
    const categories = new Set(folders().map((f) => f.category))
    expect([...categories].sort()).toEqual([...CATEGORIES].sort())
  })

  describe.each(folders())('$category/$name', ({category, name, dir}) => {
    it('is valid, lives in its category folder and scores at least 70', async () => {
      const template = await loadTemplateDir(dir)
      expect(template.manifest.name).toBe(name)
      expect(template.manifest.category).toBe(category)
      const report = await scoreTemplate(template, {minScore: 70})
      const weak = report.checks
        .filter((c) => c.status !== 'pass')
        .map((c) => `${c.id}: ${c.recommendations.join('; ')}`)
      expect(report.score, weak.join('\n')).toBeGreaterThanOrEqual(70)
    })

    it('renders with its defaults and with every example answers file, leaving no placeholders', async () => {
      const template = await loadTemplateDir(dir)
      const meta = {template: name, version: template.manifest.version, commit: 'test'}
      const examples = [...template.files.keys()].filter((p) => /^examples\/[^/]+\.ya?ml$/.test(p))
      expect(examples.length).toBeGreaterThanOrEqual(2)
      // Like the quality check: render with defaults alone only when every required parameter has one.
      const defaultsSuffice = template.manifest.parameters.every(
        (p) => p.default !== undefined || p.required === false,
      )
      const answerSets = [
        ...(defaultsSuffice ? [{}] : []),
        ...examples.map((p) => parse(text(template.files, p)) as Record<string, never>),
      ]
      for (const provided of answerSets) {
        const answers = await resolveAnswers(template.manifest.parameters, provided, {useDefaults: true})
        const files = await renderTemplate(template, answers, meta)
        expect(files.size).toBeGreaterThan(0)
        for (const [path, content] of files) {
          const body = new TextDecoder().decode(content)
          // GitHub Actions `${{ }}` is deliberate output; anything else left over is a bug.
          expect(body.replace(/\$\{\{[^}]*\}\}/g, ''), `${path} has an unresolved placeholder`).not.toMatch(
            /\{\{\s*[\w.]+\s*\}\}|\{%-?\s*(if|for|endif|endfor|raw)\b/,
          )
        }
      }
    })

    // The first catalog's convention; the catalog suite (test/catalog/catalog.test.ts) checks
    // for every template that its examples' answers change what is generated.
    it.skipIf(!existsSync(join(dir, 'examples', 'full.yaml')))(
      'puts the answers of examples/full.yaml into the generated project',
      async () => {
        const template = await loadTemplateDir(dir)
        const full = parse(text(template.files, 'examples/full.yaml')) as Record<string, unknown>
        const answers = await resolveAnswers(template.manifest.parameters, full as never, {useDefaults: true})
        const files = await renderTemplate(template, answers, {
          template: name,
          version: '1.0.0',
          commit: 'test',
        })
        const output = [...files]
          .map(([path, content]) => `${path}\n${new TextDecoder().decode(content)}`)
          .join('\n')
        // Every free-text answer (not a choice, which may only steer what is generated) reaches the output.
        const freeText = template.manifest.parameters.filter(
          (p) =>
            p.type === 'string' && typeof full[p.name] === 'string' && (full[p.name] as string).length > 2,
        )
        expect(freeText.length, 'full.yaml should set at least one string parameter').toBeGreaterThan(0)
        for (const p of freeText)
          expect(output, `${p.name}=${String(full[p.name])}`).toContain(String(full[p.name]))
      },
    )

    it('has a README with usage and every parameter documented', () => {
      const readme = readFileSync(join(dir, 'README.md'), 'utf8')
      const manifest = parse(readFileSync(join(dir, 'manifest.yaml'), 'utf8')) as {
        parameters?: {name: string}[]
      }
      expect(readme).toMatch(/^## Usage/m)
      expect(readme).toContain(`maestro-tpl instantiate ${name}`)
      for (const p of manifest.parameters ?? []) expect(readme).toContain(p.name)
    })
  })
})
