/**
 * Reading the examples users see: the shell blocks of README.md and every command's
 * `examples` in oclif.manifest.json, as command lines to run; and the command and flags a
 * logged CLI invocation used, for the flag-coverage check. Used by examples.test.ts.
 */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface Example {
  /** Where a reader finds it: `README.md:123` or `maestro-tpl help search`. */
  source: string
  /** The command line, continuation lines joined, comments removed, `maestro-tpl` as the binary. */
  line: string
  /** README: the fenced block it is in (examples of one block share state, e.g. a store). */
  block: string
}

export interface ManifestCommand {
  id: string
  examples?: string[]
  flags: Record<string, {name: string; char?: string; type: 'boolean' | 'option'}>
}

export function readManifest(): Record<string, ManifestCommand> {
  const manifest = JSON.parse(readFileSync(`${ROOT}/oclif.manifest.json`, 'utf8')) as {
    commands: Record<string, ManifestCommand>
  }
  return manifest.commands
}

/**
 * `npx maestro-tpl`, `./bin/run.js` and `<%= config.bin %>` all mean the installed CLI; a
 * leading `$ ` (the prompt oclif plugins write in their examples) is not typed.
 */
function normaliseBinary(line: string): string {
  return line
    .replace(/^\$ /, '')
    .replace(/<%= config\.bin %>/g, 'maestro-tpl')
    .replace(/(^|[\s|;&(])(?:npx maestro-tpl|\.\/bin\/run\.js)(?=\s|$)/g, '$1maestro-tpl')
}

/** Whether a line runs the CLI or curl (after env assignments, or behind a pipe). */
export function invokesProduct(line: string): boolean {
  return (
    /(^|[|;&(]\s*|^(?:[A-Z_]+=\S*\s+)+)(maestro-tpl|curl)\s/.test(line) || /(^|\|\s*)maestro-tpl$/.test(line)
  )
}

/** A usage line (`maestro-tpl get NAME[@VERSION] [--files]`): syntax to check, not a command to run. */
export function isSynopsis(line: string): boolean {
  if (!/^(?:[A-Z_]+=\S*\s+)*maestro-tpl\s/.test(line)) return false
  return /\[-|\[[A-Z]{2,}|\s[A-Z]{3,}(\||\[|\.\.\.|\s|$)|\|[A-Z]{3,}/.test(
    line.replace(/^(?:[A-Z_]+=\S*\s+)+/, ''),
  )
}

/** Removes a trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote) {
      if (c === quote) quote = undefined
      else if (c === '\\' && quote === '"') i++
    } else if (c === "'" || c === '"') quote = c
    else if (c === '\\') i++
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd()
  }
  return line.trimEnd()
}

/** Every command line of the README's sh/bash/console blocks that runs maestro-tpl or curl. */
export function readmeExamples(markdown: string): Example[] {
  const lines = markdown.split('\n')
  const examples: Example[] = []
  let inFence = false
  let block: string | undefined
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)/.exec(lines[i]!)
    if (fence) {
      inFence = !inFence
      block = inFence && /^(sh|bash|console|shell)$/.test(fence[1]!) ? `README.md:${i + 1}` : undefined
      continue
    }
    if (block === undefined) continue
    const start = i
    let line = lines[i]!.replace(/^\$ /, '')
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`
    line = normaliseBinary(stripComment(line).trim())
    if (line && invokesProduct(line)) examples.push({source: `README.md:${start + 1}`, line, block})
  }
  return examples
}

/** Every command's `examples`, from the manifest the build wrote. */
export function helpExamples(commands: Record<string, ManifestCommand>): Example[] {
  return Object.values(commands).flatMap((command) =>
    (command.examples ?? []).map((example) => ({
      source: `maestro-tpl help ${command.id.replace(/:/g, ' ')}`,
      line: normaliseBinary(example),
      block: command.id,
    })),
  )
}

/** The command id an argv names (`['user', 'create', 'ana']` → `user:create`), longest match first. */
export function commandOf(argv: string[], commands: Record<string, ManifestCommand>): string | undefined {
  for (let n = Math.min(3, argv.length); n > 0; n--) {
    const id = argv.slice(0, n).join(':')
    if (commands[id]) return id
  }
  return undefined
}

/** The flags (by name) an argv of `command` uses: `--name`, `--name=value`, `-c`, `-cVALUE`. */
export function flagsOf(argv: string[], command: ManifestCommand): string[] {
  const used = new Set<string>()
  const byChar = new Map(Object.values(command.flags).flatMap((f) => (f.char ? [[f.char, f.name]] : [])))
  for (const arg of argv) {
    if (arg === '--') break
    const long = /^--([\w-]+)/.exec(arg)
    if (long && command.flags[long[1]!]) used.add(long[1]!)
    const short = /^-(\w)/.exec(arg)
    if (short && !long && byChar.has(short[1]!)) used.add(byChar.get(short[1]!)!)
  }
  return [...used]
}

/** The words of a synopsis line that name a command and its flags, for checking them against the manifest. */
export function synopsisParts(line: string): {words: string[]; flags: string[]} {
  const rest = line.replace(/^(?:[A-Z_]+=\S*\s+)+/, '').replace(/^maestro-tpl\s+/, '')
  const words = rest.split(/\s+/).filter((w) => /^[a-z][a-z-]*$/.test(w))
  const flags = [...rest.matchAll(/(?:^|[\s[])--([a-z][\w-]*)/g)].map((m) => m[1]!)
  return {words, flags}
}
