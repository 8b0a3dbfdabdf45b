/**
 * Examples for the OpenAPI document, taken from a template of the bundled catalog, so
 * that Swagger UI's "Try it out" pre-fills requests that work as they open (a search
 * that finds something, a template that exists, answers it accepts) instead of
 * `"string"`.
 */
import {readFileSync, readdirSync} from 'node:fs'
import {join, relative, sep} from 'node:path'

import {parse} from 'yaml'

import {encodeFiles} from '../domain/wire.js'
import type {WireFiles} from '../domain/wire.js'
import {packageRoot} from '../domain/package-root.js'

/** The catalog template the examples show: in the bundled catalog of every install. */
const EXAMPLE_TEMPLATE = join('backend_developer', 'fastapi-service')

export interface OpenApiExamples {
  /** By parameter name (path and query); parameters left out have no example. */
  parameters: Record<string, unknown>
  /** By operationId: the JSON request body. */
  bodies: Record<string, unknown>
}

interface CatalogManifest {
  name: string
  version: string
  category: string
  author: string
  tags: string[]
  parameters?: {name: string; default?: unknown}[]
}

function readFolder(dir: string): WireFiles {
  const files = new Map<string, Uint8Array>()
  for (const entry of readdirSync(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    files.set(relative(dir, full).split(sep).join('/'), readFileSync(full))
  }
  return encodeFiles(new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1))))
}

/**
 * The examples, read from `catalog` (default: the bundled templates_storage).
 *
 * @example
 * ```ts
 * catalogExamples().parameters.id // 'fastapi-service'
 * ```
 */
export function catalogExamples(catalog = join(packageRoot(), 'templates_storage')): OpenApiExamples {
  const dir = join(catalog, EXAMPLE_TEMPLATE)
  const manifest = parse(readFileSync(join(dir, 'manifest.yaml'), 'utf8')) as CatalogManifest
  const word = manifest.name.split('-')[0]!
  const upload = {files: readFolder(dir)}
  const published = {ref: `${manifest.name}@${manifest.version}`}
  const hasProjectName = manifest.parameters?.some((p) => p.name === 'project_name') ?? false
  return {
    parameters: {
      // Templates: every filter of a search at once still finds the example template.
      id: manifest.name,
      version: manifest.version,
      text: word,
      category: manifest.category,
      tags: manifest.tags.slice(0, 1),
      author: manifest.author,
      minScore: 70,
      sort: 'relevance',
      limit: 20,
      offset: 0,
      exactTotal: false,
      format: 'json',
      message: `update ${manifest.name}`,
      username: 'alice',
      to: `^${manifest.version}`,
      conflict: 'inline',
      outdated: true,
      template: manifest.name,
    },
    bodies: {
      searchTemplates: {text: word, category: manifest.category, tags: manifest.tags.slice(0, 1), limit: 20},
      createTemplate: upload,
      updateTemplate: upload,
      validateTemplate: published,
      scoreTemplate: published,
      instantiateTemplate: {
        answers: hasProjectName ? {project_name: 'billing-api'} : {},
        useDefaults: true,
        format: 'json',
      },
      diffTemplateVersions: {
        from: manifest.version,
        to: manifest.version,
        answers: hasProjectName ? {project_name: 'billing-api'} : {},
      },
      updateProject: {
        files: {
          '.maestro-answers.yaml': {
            content: `template: ${manifest.name}\nversion: ${manifest.version}\ncommit: ''\nanswers: {}\n`,
            encoding: 'utf8',
          },
        },
        conflict: 'inline',
      },
      registerProject: {template: manifest.name, version: manifest.version, name: 'billing-api'},
      login: {username: 'admin', password: 'the MAESTRO_ADMIN_PASSWORD of the daemon'},
      refreshToken: {refresh_token: 'the refresh_token of POST /api/v1/auth/login'},
      logout: {refresh_token: 'the refresh_token of POST /api/v1/auth/login'},
      changePassword: {current_password: 'your current password', new_password: 'a-new-password-of-12+'},
      createApiToken: {name: 'ci', role: 'viewer', expires_in_days: 90},
      createTenant: {name: 'acme', display_name: 'Acme Corp'},
      createUser: {username: 'alice', password: 'a-password-of-12+', role: 'editor'},
      grantRole: {role: 'editor'},
      resetPassword: {password: 'a-new-password-of-12+'},
      adminGitSync: {pull: true, push: true},
      // Workflows: the bundled python-service, its folder and answers it accepts.
      createWorkflow: {files: readFolder(join(packageRoot(), 'workflows_storage', 'python-service'))},
      executeWorkflow: {parameters: {service_name: 'billing-api'}, defaults: true},
      dryRunWorkflow: {parameters: {service_name: 'billing-api'}, defaults: true},
      retryExecution: {},
    },
  }
}
