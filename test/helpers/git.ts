/**
 * The real git CLI, as the tests that write or read a store with git run it: no system
 * config, a throwaway HOME (no user config), and a fixed author and committer.
 */
import {execFileSync} from 'node:child_process'
import {tmpdir} from 'node:os'

export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
  GIT_AUTHOR_NAME: 'Git User',
  GIT_AUTHOR_EMAIL: 'git@example.com',
  GIT_COMMITTER_NAME: 'Git User',
  GIT_COMMITTER_EMAIL: 'git@example.com',
}

/** Runs git in `cwd` (a work tree, or anywhere with `--git-dir`); returns its output, throws when it fails. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, encoding: 'utf8', env: GIT_ENV, stdio: ['ignore', 'pipe', 'pipe']})
}
