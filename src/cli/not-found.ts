/**
 * A misspelt command or flag, answered with the closest one.
 *
 * Commands: oclif's `command_not_found` hook. At a terminal it hands over to
 * @oclif/plugin-not-found, which asks "Did you mean search?" and runs it on yes. Anywhere
 * else (a pipe, CI, `--json`) nobody can answer a prompt, so it never asks: it names the
 * closest command and exits 127 (the shell's "command not found"), as the plugin does when
 * the prompt is declined. Flags: `unknownFlagError` turns oclif's "Nonexistent flag"
 * into a usage error that names the closest flag of the command.
 */
import {Errors, type Hook, type Interfaces, toConfiguredId} from '@oclif/core'

import {UsageError} from '../domain/errors.js'

/** Exit status of an unknown command: the shell's, and @oclif/plugin-not-found's. */
export const COMMAND_NOT_FOUND_EXIT = 127

/** Levenshtein distance (insertions, deletions, substitutions). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}

/**
 * The candidate closest to `typed`, when it is close enough to be what was meant (at most
 * a third of its letters wrong, and never more than 3): `serch` → `search`, `xyz` → none.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  let best: {name: string; distance: number} | undefined
  for (const name of candidates) {
    const distance = editDistance(typed, name)
    if (!best || distance < best.distance) best = {name, distance}
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)))
  return best && best.distance <= allowed ? best.name : undefined
}

/**
 * The command `id` (which oclif joined with its arguments: `serch:api`) most likely meant:
 * each command is compared with as many words of `id` as it has.
 */
export function closestCommand(id: string, commands: string[]): {typed: string; command: string} | undefined {
  const words = id.split(':')
  let best: {typed: string; command: string; distance: number} | undefined
  for (const command of commands) {
    const typed = words.slice(0, command.split(':').length).join(':')
    if (closest(typed, [command]) === undefined) continue
    const distance = editDistance(typed, command)
    if (!best || distance < best.distance) best = {typed, command, distance}
  }
  return best && {typed: best.typed, command: best.command}
}

/** Whether someone can answer a prompt: a terminal on both ends, no CI, no `--json`. */
function interactive(argv: string[]): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && !process.env.CI && !argv.includes('--json')
}

/** The visible commands and their aliases, by id (`tenant:create`). */
function commandIds(config: Interfaces.Config): string[] {
  const visible = config.commands.filter((c) => !c.hidden)
  return [...visible.map((c) => c.id), ...visible.flatMap((c) => c.aliases)]
}

export const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const argv = opts.argv ?? []
  if (interactive(argv)) {
    const {default: plugin} = await import('@oclif/plugin-not-found')
    return plugin.call(this, opts)
  }
  const bin = opts.config.bin
  const match = closestCommand(opts.id, commandIds(opts.config))
  const typed = toConfiguredId(match?.typed ?? opts.id, opts.config)
  const shown = match && toConfiguredId(match.command, opts.config)
  const message =
    `${typed} is not a ${bin} command.` +
    (shown ? ` Did you mean ${shown}?` : '') +
    ` Run ${bin} help for a list of commands.`
  if (argv.includes('--json')) {
    const error = {code: 'COMMAND_NOT_FOUND', message, data: shown ? {suggestion: shown} : {}}
    process.stdout.write(`${JSON.stringify({error}, null, 2)}\n`)
    this.exit(COMMAND_NOT_FOUND_EXIT)
  }
  this.error(message, {exit: COMMAND_NOT_FOUND_EXIT})
}

/**
 * oclif's error for a flag the command does not have, as a usage error naming the closest
 * flag (`--limt` → `--limit`); any other error is returned as it was.
 */
export function unknownFlagError(err: unknown, flagNames: string[], commandId: string, bin: string): unknown {
  // oclif's NonExistentFlagsError is the parse error that carries `flags`.
  if (!(err instanceof Errors.CLIError) || !('flags' in err) || !Array.isArray(err.flags)) return err
  const unknown = (err.flags as string[]).map(String)
  const first = unknown[0]!.replace(/^--?/, '').replace(/=.*$/, '')
  const suggestion = closest(first, flagNames)
  const command = `${bin} ${commandId.replaceAll(':', ' ')}`
  return new UsageError(
    `unknown flag${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}.` +
      (suggestion ? ` Did you mean --${suggestion}?` : '') +
      ` See ${command} --help.`,
    {flags: unknown, ...(suggestion ? {suggestion: `--${suggestion}`} : {})},
  )
}
