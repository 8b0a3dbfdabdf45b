/**
 * Shapes of a quality report. Every front end (CLI `validate`, the daemon's
 * `/quality/*` routes, the publish gate) passes these around unchanged, so they are
 * plain JSON-serialisable data.
 */

export type CheckId = 'documentation' | 'examples' | 'metadata' | 'structure' | 'dependencies'

export type CheckStatus = 'pass' | 'warning' | 'fail'

export type Severity = 'error' | 'warning' | 'note'

/** One problem found by a sub-rule, with its place in the template folder when known. */
export interface Finding {
  /** Id of the sub-rule that found it (an id of `QUALITY_RULES`, e.g. `documentation.usage-section`). */
  rule: string
  message: string
  /** What to do about it, in the imperative. */
  recommendation?: string
  /** POSIX path relative to the template folder (`manifest.yaml`, `README.md`, `files/app.py`). */
  file?: string
  /** 1-based. */
  line?: number
  /** 1-based. */
  column?: number
  severity: Severity
}

export interface CheckResult {
  id: CheckId
  title: string
  weight: number
  /** Points earned, 0..weight, rounded to one decimal. */
  points: number
  status: CheckStatus
  findings: Finding[]
  /** The distinct recommendations of the findings, in rule order. */
  recommendations: string[]
}

export interface QualityReport {
  template: string
  version: string
  /** Integer 0..100: the rounded sum of the checks' points, capped when a critical rule fails. */
  score: number
  /** Present when a critical rule failed: the score is at most `score`, and these rules are why. */
  cap?: {score: number; rules: string[]}
  minScore: number
  passed: boolean
  checks: CheckResult[]
  /** Wall time spent scoring; informative only, never part of the score. */
  durationMs: number
}

/** One template as the registry index knows it. `score` is null when it was never scored. */
export interface RegistryQualityRow {
  name: string
  namespace: string
  category: string
  score: number | null
  /** The check that lost the largest share of its weight (see `weakestCheck`). */
  weakest?: {id: string; points: number; weight: number} | undefined
}

export interface FailingTemplate {
  namespace: string
  name: string
  score: number
  weakest?: {id: string; points: number; weight: number}
}

export interface CategoryQuality {
  category: string
  /** Templates in the category, scored or not. */
  count: number
  scored: number
  /** Mean of the scored templates, one decimal; null when none is scored. */
  meanScore: number | null
  passing: number
  /** Below the minimum, lowest score first. */
  failing: FailingTemplate[]
}

export interface RegistryQualityReport {
  minScore: number
  totals: {
    templates: number
    scored: number
    unscored: number
    passing: number
    failing: number
    meanScore: number | null
  }
  /** Sorted by category name. */
  categories: CategoryQuality[]
}
