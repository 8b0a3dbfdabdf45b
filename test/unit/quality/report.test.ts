import {describe, expect, it} from 'vitest'

import {
  buildRegistryReport,
  formatRegistryReport,
  type RegistryQualityRow,
} from '../../../src/quality/report.js'
import {scoreTemplate, weakestCheck} from '../../../src/quality/score.js'
import {loadFixture} from './fixtures.js'

const ROWS: RegistryQualityRow[] = [
  {name: 'fastapi-service', namespace: 'public', category: 'backend_developer', score: 96},
  {
    name: 'flask-app',
    namespace: 'public',
    category: 'backend_developer',
    score: 41,
    weakest: {id: 'examples', points: 0, weight: 20},
  },
  {
    name: 'express-api',
    namespace: 'acme',
    category: 'backend_developer',
    score: 62.0,
    weakest: {id: 'documentation', points: 12.5, weight: 30},
  },
  {name: 'terraform-aws', namespace: 'public', category: 'devops_engineer', score: 88},
  {name: 'helm-chart', namespace: 'public', category: 'devops_engineer', score: 79},
  {name: 'draft', namespace: 'acme', category: 'devops_engineer', score: null},
  {name: 'react-app', namespace: 'public', category: 'frontend_developer', score: 70},
]

describe('buildRegistryReport', () => {
  it('gives per category the count, the mean score and the failing templates with their weakest check', () => {
    const report = buildRegistryReport(ROWS, 70)
    expect(report.categories.map((c) => c.category)).toEqual([
      'backend_developer',
      'devops_engineer',
      'frontend_developer',
    ])
    expect(report.categories[0]).toEqual({
      category: 'backend_developer',
      count: 3,
      scored: 3,
      meanScore: 66.3,
      passing: 1,
      failing: [
        {namespace: 'public', name: 'flask-app', score: 41, weakest: {id: 'examples', points: 0, weight: 20}},
        {
          namespace: 'acme',
          name: 'express-api',
          score: 62,
          weakest: {id: 'documentation', points: 12.5, weight: 30},
        },
      ],
    })
    // Unscored templates count, but neither in the mean nor as failing.
    expect(report.categories[1]).toMatchObject({
      count: 3,
      scored: 2,
      meanScore: 83.5,
      passing: 2,
      failing: [],
    })
    // Exactly the minimum passes.
    expect(report.categories[2]).toMatchObject({count: 1, meanScore: 70, passing: 1, failing: []})
    expect(report.totals).toEqual({
      templates: 7,
      scored: 6,
      unscored: 1,
      passing: 4,
      failing: 2,
      meanScore: 72.7,
    })
  })

  it('is deterministic whatever the order of the rows', () => {
    const shuffled = [...ROWS].reverse()
    expect(buildRegistryReport(shuffled, 70)).toEqual(buildRegistryReport(ROWS, 70))
  })

  it('orders failing templates with equal scores by namespace and name', () => {
    const report = buildRegistryReport(
      [
        {name: 'b', namespace: 'public', category: 'qa_engineer', score: 50},
        {name: 'a', namespace: 'public', category: 'qa_engineer', score: 50},
        {name: 'z', namespace: 'acme', category: 'qa_engineer', score: 50},
      ],
      70,
    )
    expect(report.categories[0]!.failing.map((f) => `${f.namespace}/${f.name}`)).toEqual([
      'acme/z',
      'public/a',
      'public/b',
    ])
  })

  it('has no mean when nothing is scored', () => {
    const report = buildRegistryReport(
      [{name: 'x', namespace: 'public', category: 'qa_engineer', score: null}],
      70,
    )
    expect(report.totals.meanScore).toBeNull()
    expect(report.categories[0]!.meanScore).toBeNull()
    expect(buildRegistryReport([], 70).totals).toEqual({
      templates: 0,
      scored: 0,
      unscored: 0,
      passing: 0,
      failing: 0,
      meanScore: null,
    })
  })

  it('takes its rows from real reports', async () => {
    const reports = await Promise.all(
      ['excellent', 'passing', 'failing'].map(async (f) => scoreTemplate(await loadFixture(f))),
    )
    const rows = reports.map((r) => ({
      name: r.template,
      namespace: 'public',
      category: 'backend_developer',
      score: r.score,
      weakest: weakestCheck(r),
    }))
    const report = buildRegistryReport(rows, 70)
    expect(report.categories[0]!.failing).toEqual([
      {
        namespace: 'public',
        name: 'quality-failing',
        score: 35,
        weakest: {id: 'examples', points: 0, weight: 20},
      },
    ])
  })
})

describe('formatRegistryReport', () => {
  it('prints a table of categories with totals, then the failing templates', () => {
    const out = formatRegistryReport(buildRegistryReport(ROWS, 70))
    expect(out.split('\n')).toEqual([
      'CATEGORY            TEMPLATES  MEAN  PASSING  FAILING',
      'backend_developer           3  66.3        1        2',
      'devops_engineer             3  83.5        2        0',
      'frontend_developer          1  70.0        1        0',
      'all                         7  72.7        4        2',
      '',
      '1 template has no score yet',
      '',
      'below the minimum of 70:',
      'TEMPLATE          CATEGORY           SCORE  WEAKEST CHECK',
      'public/flask-app  backend_developer     41  examples 0/20',
      'acme/express-api  backend_developer     62  documentation 12.5/30',
    ])
  })

  it('says when every template passes', () => {
    const out = formatRegistryReport(
      buildRegistryReport(
        ROWS.filter((r) => (r.score ?? 100) >= 70),
        70,
      ),
    )
    expect(out.trimEnd().split('\n').at(-1)).toBe('every scored template reaches the minimum of 70')
  })
})
