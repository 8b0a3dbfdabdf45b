import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {format} from 'node:util'

import type {Command} from '@oclif/core'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/**
 * Runs a command class in-process (as oclif would) and captures what it prints.
 * `exitCode` is what the process would exit with.
 */
export async function runCommand<T>(
  cmd: {run(argv: string[], opts?: string): Promise<T>} & typeof Command,
  argv: string[],
): Promise<{result?: T; stdout: string; stderr: string; error?: Error & {code?: string}; exitCode: number}> {
  const out: string[] = []
  const err: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  const writeErr = process.stderr.write.bind(process.stderr)
  process.stdout.write = (chunk: string | Uint8Array) => (out.push(String(chunk)), true)
  process.stderr.write = (chunk: string | Uint8Array) => (err.push(String(chunk)), true)
  // oclif prints through console.log/console.error, which vitest intercepts.
  const log = console.log
  const error = console.error
  console.log = (...args: unknown[]) => out.push(`${format(...args)}\n`)
  console.error = (...args: unknown[]) => err.push(`${format(...args)}\n`)
  const previousExit = process.exitCode
  process.exitCode = undefined
  try {
    const result = await cmd.run(argv, ROOT)
    const exitCode = Number(process.exitCode ?? 0)
    return {result, stdout: out.join(''), stderr: err.join(''), exitCode}
  } catch (error) {
    const e = error as Error & {oclif?: {exit?: number}; code?: string}
    return {
      stdout: out.join(''),
      stderr: err.join(''),
      error: e,
      exitCode: e.oclif?.exit ?? Number(process.exitCode ?? 1),
    }
  } finally {
    process.stdout.write = write
    process.stderr.write = writeErr
    console.log = log
    console.error = error
    process.exitCode = previousExit
  }
}

/** Runs the built CLI as a user would: a child process, no terminal. */
export function runBin(args: string[], env: Record<string, string> = {}, input?: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...env},
    input: input ?? '',
    timeout: 60_000,
  })
  return {stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1}
}
