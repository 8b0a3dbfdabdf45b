import {isValidDependencyRange} from '../../domain/manifest.js'
import {atManifest, type FindingDraft, outcome, type RuleOutcome, type ScoreContext} from './context.js'

/**
 * File names of package manifests: a template that ships one brings third-party
 * packages into every project, so it should declare them (and their ranges) in
 * manifest.yaml where the registry can show and check them.
 */
const PACKAGE_MANIFESTS = [
  /^package\.json$/,
  /^requirements([-_.][\w.-]+)?\.(txt|in)$/,
  /^pyproject\.toml$/,
  /^Pipfile$/,
  /^setup\.(py|cfg)$/,
  /^environment\.ya?ml$/,
  /^go\.mod$/,
  /^Cargo\.toml$/,
  /^Gemfile$/,
  /^pom\.xml$/,
  /^build\.gradle(\.kts)?$/,
  /^composer\.json$/,
  /^pubspec\.yaml$/,
  /^mix\.exs$/,
  /\.csproj$/,
]

/** Ranges that accept any version at all: as good as no range. */
const ANY_VERSION = /^(\*|x|latest|any)?$/i

/** dependencies (15): declared when the files use packages, each with a real, valid range. */
export function checkDependencies(ctx: ScoreContext): RuleOutcome[] {
  const deps = Object.entries(ctx.template.manifest.dependencies ?? {})
  const manifests = [...ctx.template.files.keys()]
    .filter((p) => p.startsWith('files/') && isPackageManifest(p))
    .sort()

  if (deps.length === 0) {
    if (manifests.length === 0)
      return [outcome('dependencies.declared', 1), outcome('dependencies.ranges', 1)]
    return [
      outcome('dependencies.declared', 0, [
        atManifest(ctx, ['dependencies'], {
          message: `the template ships ${manifests.join(', ')} but declares no dependencies`,
          recommendation: `list the packages of ${manifests[0]} under dependencies in manifest.yaml, each with a version range`,
        }),
      ]),
      outcome('dependencies.ranges', 0),
    ]
  }

  const findings: FindingDraft[] = []
  for (const [name, value] of deps) {
    const range = String(value ?? '').trim()
    if (ANY_VERSION.test(range)) {
      findings.push(
        atManifest(ctx, ['dependencies', name], {
          message: `dependency ${name} has no version range${range ? ` (${JSON.stringify(range)} accepts any version)` : ''}`,
          recommendation: `give ${name} the range the files were written for, e.g. "^1.2.0" or ">=1.2,<2"`,
        }),
      )
    } else if (!isValidDependencyRange(range)) {
      findings.push(
        atManifest(ctx, ['dependencies', name], {
          message: `dependency ${name} has an invalid version range ${JSON.stringify(range)}`,
          recommendation: `give ${name} a semver range (^1.2.0, >=1.2 <2) or a PEP 440 one (>=1.2,<2)`,
        }),
      )
    }
  }
  return [
    outcome('dependencies.declared', 1),
    outcome('dependencies.ranges', (deps.length - findings.length) / deps.length, findings),
  ]
}

function isPackageManifest(path: string): boolean {
  // Names may be conditional (`{% if use_node %}package.json{% endif %}`): judge the name without its Liquid.
  const name = path
    .split('/')
    .at(-1)!
    .replace(/\{%[\s\S]*?%\}/g, '')
    .trim()
  return PACKAGE_MANIFESTS.some((re) => re.test(name))
}
