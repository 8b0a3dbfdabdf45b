/**
 * The CLI against the tool it should beat, whole process, on one machine in one run
 * (issue 20). One 50-file template description is built into a maestro-tpl template and
 * a cookiecutter template; both are rendered with their defaults and the outputs must be
 * byte-identical before anything is timed. Then every command runs N times, interleaved
 * (one of each per round, so a burst of load hits all of them alike), and the report
 * gives median and mean per command and the ratios against the targets:
 *
 * - `instantiate --defaults` at least 3× faster than `cookiecutter --no-input`, and at least
 *   5× faster than `yo` running an equivalent Yeoman generator (`--defaults`);
 * - `--version` within +30 ms of `node -e 0`; `search` and `get` within +120 ms.
 *
 * Yeoman runs from the project's dev dependencies (`yo`, `yeoman-generator`); without them
 * (`npm install --omit=dev`) its rows say so. `yo` refuses to run as root: it drops to
 * `nobody`, so as root the folders it reads and writes are opened to everyone.
 *
 *   npm run bench:cli                  # build, 15 rounds, prints the table
 *   npm run bench:cli -- --runs 30     # more rounds
 *   npm run bench:cli -- --write       # also rewrite the table in bench/README.md
 */
import {spawnSync} from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {cpus, loadavg, tmpdir} from 'node:os'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BIN = join(ROOT, 'bin', 'run.js')
const README = join(ROOT, 'bench', 'README.md')
const COOKIECUTTER = process.env.COOKIECUTTER ?? 'cookiecutter'
const YO = join(ROOT, 'node_modules', '.bin', 'yo')
const YEOMAN_GENERATOR = join(ROOT, 'node_modules', 'yeoman-generator')
/** yo drops root for `nobody` (root-check): what it touches must be open to that user. */
const AS_ROOT = process.getuid?.() === 0
/** No prompt, no `npm install` after writing, no overwrite question, no usage-report question. */
const YO_ARGS = ['fifty', '--defaults', '--skip-install', '--force', '--no-insight']

const args = process.argv.slice(2)
const runs = args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 15
const writeReadme = args.includes('--write')

// ---------------------------------------------------------------------------------------
// One description, two template languages

/**
 * A neutral template text: `«name»` is a variable, `«name|upper»` the same upper-cased,
 * `«if name == "x"»…«endif»` a condition. Each engine gets its own spelling of these.
 */
interface Description {
  name: string
  parameters: {
    name: string
    type: 'string' | 'integer' | 'choice'
    default: string | number
    choices?: string[]
  }[]
  /** path under the project root → body, both in the neutral syntax */
  files: Map<string, string>
}

function describeTemplate(fileCount: number): Description {
  const files = new Map<string, string>()
  files.set(
    'README.md',
    '# «project_name»\n\nServes on port «port».\n«if license == "MIT"»\nLicensed under the MIT licence.\n«endif»\n',
  )
  files.set('LICENSE', '«license» licence, «author»\n')
  for (let i = 0; files.size < fileCount; i++) {
    files.set(
      `src/«project_name»/module${i % 8}/file${i}.py`,
      `# «project_name» module ${i}, by «author»\n` +
        `NAME = "«project_name|upper»"\nPORT = «port»\n` +
        `«if license == "MIT"»LICENSE = "MIT"\n«endif»` +
        `${'def f():\n    return 1\n\n'.repeat(12)}`,
    )
  }
  return {
    name: 'fifty-files',
    parameters: [
      {name: 'project_name', type: 'string', default: 'demo'},
      {name: 'author', type: 'string', default: 'Bench Author'},
      {name: 'port', type: 'integer', default: 8080},
      {name: 'license', type: 'choice', default: 'MIT', choices: ['MIT', 'Apache-2.0']},
    ],
    files,
  }
}

/**
 * Liquid spells upper-case `upcase`; Jinja `upper` and needs the `cookiecutter.` prefix;
 * EJS (Yeoman) is JavaScript, unescaped with `<%-` as the other two do not escape.
 */
function spell(text: string, engine: 'liquid' | 'jinja' | 'ejs'): string {
  if (engine === 'ejs') {
    return text
      .replace(
        /«if (\w+) == "([^"]*)"»/g,
        (_, name: string, value: string) => `<% if (${name} === "${value}") { %>`,
      )
      .replace(/«endif»/g, '<% } %>')
      .replace(/«(\w+)\|upper»/g, (_, name: string) => `<%- ${name}.toUpperCase() %>`)
      .replace(/«(\w+)»/g, (_, name: string) => `<%- ${name} %>`)
  }
  const v = (name: string) => (engine === 'jinja' ? `cookiecutter.${name}` : name)
  return text
    .replace(
      /«if (\w+) == "([^"]*)"»/g,
      (_, name: string, value: string) => `{% if ${v(name)} == "${value}" %}`,
    )
    .replace(/«endif»/g, '{% endif %}')
    .replace(
      /«(\w+)\|upper»/g,
      (_, name: string) => `{{ ${v(name)} | ${engine === 'jinja' ? 'upper' : 'upcase'} }}`,
    )
    .replace(/«(\w+)»/g, (_, name: string) => `{{ ${v(name)} }}`)
}

function writeFile(path: string, text: string) {
  mkdirSync(dirname(path), {recursive: true})
  writeFileSync(path, text)
}

function writeMaestroTemplate(d: Description, dir: string) {
  const params = d.parameters
    .map(
      (p) =>
        `  - name: ${p.name}\n    type: ${p.type}\n    description: The ${p.name.replace('_', ' ')}\n` +
        `    default: ${JSON.stringify(p.default)}\n` +
        (p.choices ? `    choices: ${JSON.stringify(p.choices)}\n` : ''),
    )
    .join('')
  writeFile(
    join(dir, 'manifest.yaml'),
    `name: ${d.name}\nversion: 1.0.0\ndescription: A fifty-file template that the CLI benchmark renders with maestro-tpl and cookiecutter\n` +
      `category: backend_developer\nauthor: Bench\nlicense: MIT\ntags: [bench, python]\nparameters:\n${params}`,
  )
  writeFile(
    join(dir, 'README.md'),
    `# ${d.name}\n\nThe benchmark's template, rendered by both maestro-tpl and cookiecutter.\n\n` +
      '## Usage\n\n```sh\nmaestro-tpl instantiate fifty-files ./out --defaults\n```\n',
  )
  writeFile(join(dir, 'examples', 'defaults.yaml'), 'project_name: demo\n')
  for (const [path, body] of d.files)
    writeFile(join(dir, 'files', spell(path, 'liquid')), spell(body, 'liquid'))
}

/** Cookiecutter renders its one top-level folder; the project is that folder's content. */
function writeCookiecutterTemplate(d: Description, dir: string) {
  const context: Record<string, unknown> = {}
  for (const p of d.parameters) context[p.name] = p.choices ?? String(p.default)
  writeFile(join(dir, 'cookiecutter.json'), JSON.stringify(context, null, 2))
  const root = join(dir, '{{ cookiecutter.project_name }}')
  for (const [path, body] of d.files) writeFile(join(root, spell(path, 'jinja')), spell(body, 'jinja'))
}

/**
 * The description as a Yeoman generator, `generator-fifty` in `nodeModules` (where `yo`
 * looks generators up from a folder below it): EJS templates copied with `copyTpl`, each
 * to its path with the answers filled in, under a folder named by `project_name` (what
 * cookiecutter's top-level folder is). `--defaults` answers every question with its
 * default, as `cookiecutter --no-input` and `maestro-tpl instantiate --defaults` do;
 * without it the generator asks.
 */
function writeYeomanGenerator(d: Description, nodeModules: string) {
  const dir = join(nodeModules, 'generator-fifty')
  writeFile(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'generator-fifty',
      version: '1.0.0',
      type: 'module',
      keywords: ['yeoman-generator'],
      main: 'generators/app/index.js',
    }),
  )
  const files: [string, string][] = []
  let i = 0
  for (const [path, body] of d.files) {
    const source = `t${i++}.ejs`
    files.push([source, spell(path, 'ejs')])
    writeFile(join(dir, 'generators', 'app', 'templates', source), spell(body, 'ejs'))
  }
  writeFile(join(dir, 'generators', 'app', 'files.json'), JSON.stringify({parameters: d.parameters, files}))
  writeFile(
    join(dir, 'generators', 'app', 'index.js'),
    `import {readFileSync} from 'node:fs'
import Generator from 'yeoman-generator'

const spec = JSON.parse(readFileSync(new URL('./files.json', import.meta.url), 'utf8'))

export default class extends Generator {
  constructor(args, opts) {
    super(args, opts)
    this.option('defaults', {type: Boolean, description: 'answer every question with its default'})
  }

  async prompting() {
    const questions = spec.parameters.map((p) => ({
      type: p.choices ? 'list' : 'input',
      name: p.name,
      message: p.name,
      default: p.default,
      ...(p.choices ? {choices: p.choices} : {}),
    }))
    this.answers = this.options.defaults
      ? Object.fromEntries(questions.map((q) => [q.name, q.default]))
      : await this.prompt(questions)
  }

  writing() {
    for (const [source, target] of spec.files) {
      const path = target.replace(/<%- (\\w+) %>/g, (_, name) => String(this.answers[name]))
      this.fs.copyTpl(this.templatePath(source), this.destinationPath(this.answers.project_name, path), this.answers)
    }
  }
}
`,
  )
  // The generator imports yeoman-generator from beside itself: the project's copy.
  symlinkSync(YEOMAN_GENERATOR, join(nodeModules, 'yeoman-generator'), 'dir')
}

/** A folder `yo` may write in, also once it has dropped root for `nobody`. */
function yoFolder(path: string): string {
  mkdirSync(path, {recursive: true})
  if (AS_ROOT) chmodSync(path, 0o777)
  return path
}

/**
 * maestro-tpl records the answers in the project (cookiecutter keeps them in
 * ~/.cookiecutter_replay instead): that one file is left out of the comparison.
 */
const ANSWERS_FILE = '.maestro-answers.yaml'

function listTree(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name)
      if (statSync(path).isDirectory()) walk(path)
      else if (relative(dir, path) !== ANSWERS_FILE) out.set(relative(dir, path), readFileSync(path, 'utf8'))
    }
  }
  walk(dir)
  return out
}

function sameTree(a: string, b: string): string | undefined {
  const left = listTree(a)
  const right = listTree(b)
  for (const [path, text] of left) {
    if (!right.has(path)) return `${path} only in ${a}`
    if (right.get(path) !== text) return `${path} differs:\n--- ${a}\n${text}\n--- ${b}\n${right.get(path)}`
  }
  for (const path of right.keys()) if (!left.has(path)) return `${path} only in ${b}`
  return undefined
}

// ---------------------------------------------------------------------------------------
// Timing

/**
 * CPU time (user + system) of the child, through GNU time when it is installed: on a
 * loaded machine wall time mostly measures waiting for a core, CPU time what the command
 * itself costs. Its 10 ms resolution averages out over the rounds.
 */
const GNU_TIME = ['/usr/bin/time'].find((path) => {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
})

function run(
  cmd: string,
  argv: string[],
  cwd: string | undefined,
  env: NodeJS.ProcessEnv,
  cpuFile?: string,
): {wall: number; cpu?: number} {
  const [file, list] =
    GNU_TIME && cpuFile ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...argv]] : [cmd, argv]
  const started = performance.now()
  const result = spawnSync(file, list, {env, cwd, stdio: ['ignore', 'ignore', 'pipe']})
  const wall = performance.now() - started
  if (result.status !== 0) {
    throw new Error(`${cmd} ${argv.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`)
  }
  if (!GNU_TIME || !cpuFile) return {wall}
  const [user = 0, system = 0] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number)
  return {wall, cpu: (user + system) * 1000}
}

function packageVersion(name: string): string {
  return (
    JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {version: string}
  ).version
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const f = (n: number) => n.toFixed(0)

function main() {
  const work = mkdtempSync(join(tmpdir(), 'maestro-cli-compare-'))
  try {
    const description = describeTemplate(50)
    const maestroDir = join(work, 'maestro-template')
    const ccDir = join(work, 'cookiecutter-template')
    writeMaestroTemplate(description, maestroDir)
    writeCookiecutterTemplate(description, ccDir)

    // A store holding the bundled catalog plus the benchmark's template. HOME is moved for
    // cookiecutter too, so its replay files and any ~/.cookiecutterrc stay out of it.
    const home = join(work, 'home')
    mkdirSync(home)
    const env: NodeJS.ProcessEnv = {...process.env, HOME: home, MAESTRO_HOME: join(work, 'store'), CI: 'true'}
    run(process.execPath, [BIN, 'create', maestroDir], undefined, env)
    const yeoman = existsSync(YO) && existsSync(YEOMAN_GENERATOR)
    if (yeoman) {
      writeYeomanGenerator(description, join(work, 'node_modules'))
      if (AS_ROOT) {
        chmodSync(work, 0o755)
        chmodSync(home, 0o777)
      }
    }

    // The outputs must match before anything is timed.
    run(
      process.execPath,
      [BIN, 'instantiate', description.name, join(work, 'check-m', 'demo'), '--defaults'],
      undefined,
      env,
    )
    run(COOKIECUTTER, ['--no-input', '-o', join(work, 'check-c'), ccDir], undefined, env)
    const difference = sameTree(join(work, 'check-m', 'demo'), join(work, 'check-c', 'demo'))
    if (difference) throw new Error(`the two renders differ: ${difference}`)
    if (yeoman) {
      run(YO, YO_ARGS, yoFolder(join(work, 'check-y')), env)
      const differs = sameTree(join(work, 'check-m', 'demo'), join(work, 'check-y', 'demo'))
      if (differs) throw new Error(`maestro-tpl's and Yeoman's renders differ: ${differs}`)
    }
    const fileCount = listTree(join(work, 'check-m', 'demo')).size

    type Command = [label: string, (i: number) => [string, string[], string | undefined]]
    const commands: Command[] = [
      ['`node -e 0`', () => [process.execPath, ['-e', '0'], undefined]],
      ['`maestro-tpl --version`', () => [process.execPath, [BIN, '--version'], undefined]],
      [
        '`maestro-tpl search api --json`',
        () => [process.execPath, [BIN, 'search', 'api', '--json'], undefined],
      ],
      [
        '`maestro-tpl get fastapi-service`',
        () => [process.execPath, [BIN, 'get', 'fastapi-service'], undefined],
      ],
      [
        `\`maestro-tpl instantiate\` (${fileCount} files, \`--defaults\`)`,
        (i) => [
          process.execPath,
          [BIN, 'instantiate', description.name, join(work, `m${i}`, 'demo'), '--defaults'],
          undefined,
        ],
      ],
      [
        `\`cookiecutter --no-input\` (same ${fileCount} files)`,
        (i) => [COOKIECUTTER, ['--no-input', '-o', join(work, `c${i}`), ccDir], undefined],
      ],
      ...(yeoman
        ? ([
            [
              `\`yo fifty --defaults\` (Yeoman, same ${fileCount} files)`,
              (i) => [YO, YO_ARGS, yoFolder(join(work, `y${i}`))],
            ],
          ] as Command[])
        : []),
    ]
    // One warm-up round fills the file cache for everything.
    for (const [, cmd] of commands) run(...cmd(-1), env)
    const loadBefore = loadavg()
    const samples = commands.map(() => [] as number[])
    const cpu = commands.map(() => [] as number[])
    const cpuFile = join(work, 'cpu.txt')
    for (let i = 0; i < runs; i++) {
      commands.forEach(([, cmd], c) => {
        const took = run(...cmd(i), env, cpuFile)
        samples[c]!.push(took.wall)
        if (took.cpu !== undefined) cpu[c]!.push(took.cpu)
      })
      // Old renders out of the way so the disk does not fill up over many rounds.
      for (const prefix of ['m', 'c', 'y'])
        rmSync(join(work, `${prefix}${i}`), {recursive: true, force: true})
    }
    const loadAfter = loadavg()

    const medians = samples.map(median)
    const means = samples.map(mean)
    const cpuMeans = cpu.map((xs) => (xs.length ? `${f(mean(xs))} ms` : 'n/a'))
    const [node, version, search, get, inst, cc, yo] = medians as [
      number,
      number,
      number,
      number,
      number,
      number,
      number | undefined,
    ]
    const ccVersion = spawnSync(COOKIECUTTER, ['--version'], {encoding: 'utf8'}).stdout.split(' from ')[0]
    const lines: string[] = []
    lines.push(
      `${runs} interleaved rounds, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${ccVersion}, ` +
        (yeoman
          ? `yo ${packageVersion('yo')} with yeoman-generator ${packageVersion('yeoman-generator')}, `
          : '') +
        `${cpus().length} CPUs, load average ${loadBefore[0]!.toFixed(1)} before / ${loadAfter[0]!.toFixed(1)} after. ` +
        `The outputs of every tool were compared first: identical (${fileCount} files).`,
      '',
      '| command (whole process) | median | mean | CPU (user + sys), mean |',
      '| --- | ---: | ---: | ---: |',
      ...commands.map(
        ([label], c) => `| ${label} | ${f(medians[c]!)} ms | ${f(means[c]!)} ms | ${cpuMeans[c]} |`,
      ),
      '',
      '| target (medians, same run) | measured | met |',
      '| --- | ---: | :---: |',
      `| instantiate ≥ 3× faster than cookiecutter | ${(cc / inst).toFixed(2)}× | ${cc / inst >= 3 ? 'yes' : 'no'} |`,
      `| \`--version\` ≤ \`node -e 0\` + 30 ms | +${f(version - node)} ms | ${version - node <= 30 ? 'yes' : 'no'} |`,
      `| \`search\` ≤ \`node -e 0\` + 120 ms | +${f(search - node)} ms | ${search - node <= 120 ? 'yes' : 'no'} |`,
      `| \`get\` ≤ \`node -e 0\` + 120 ms | +${f(get - node)} ms | ${get - node <= 120 ? 'yes' : 'no'} |`,
      ...(cpu[0]!.length
        ? [
            `| instantiate vs cookiecutter in CPU time (mean) | ${(mean(cpu[5]!) / mean(cpu[4]!)).toFixed(2)}× | — |`,
          ]
        : []),
      yo === undefined
        ? '| instantiate ≥ 5× faster than Yeoman | not measured (no `yo` in node_modules) | — |'
        : `| instantiate ≥ 5× faster than Yeoman | ${(yo / inst).toFixed(2)}× | ${yo / inst >= 5 ? 'yes' : 'no'} |`,
      ...(yo !== undefined && cpu[6]!.length
        ? [
            `| instantiate vs Yeoman in CPU time (mean) | ${(mean(cpu[6]!) / mean(cpu[4]!)).toFixed(2)}× | — |`,
          ]
        : []),
    )
    const table = lines.join('\n')
    process.stdout.write(`${table}\n`)
    if (writeReadme) {
      const readme = readFileSync(README, 'utf8')
      const start = '<!-- cli-compare:start -->'
      const end = '<!-- cli-compare:end -->'
      const at = readme.indexOf(start)
      const until = readme.indexOf(end)
      if (at < 0 || until < 0) throw new Error(`${README} has no ${start} … ${end} block`)
      writeFileSync(README, `${readme.slice(0, at + start.length)}\n${table}\n${readme.slice(until)}`)
      // Aligned the way `npm run lint` (prettier --check) wants the tables.
      spawnSync(join(ROOT, 'node_modules', '.bin', 'prettier'), ['--write', README], {stdio: 'ignore'})
      process.stdout.write(`\nwritten into ${relative(process.cwd(), README)}\n`)
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

main()
