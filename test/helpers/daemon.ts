/**
 * The built daemon (`bin/run.js serve`) as a child process, for end-to-end tests.
 */
import {spawn} from 'node:child_process'
import type {ChildProcess} from 'node:child_process'

import {BIN} from './command.js'

/** Starts the built daemon and resolves with its URL once it prints `listening on URL`. */
export function startDaemon(
  env: Record<string, string>,
): Promise<{child: ChildProcess; url: string; output: () => string}> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    env: {...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the daemon did not start in time:\n${output}`)), 60_000)
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout.off('data', check)
        resolve({child, url: match[1]!, output: () => output})
      }
    }
    child.stdout.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the daemon exited with ${code} before listening:\n${output}`))
    })
  })
}

export function exited(child: ChildProcess): Promise<number | null> {
  // A child killed by a signal has no exit code but a signal code: it has exited all the same.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}
