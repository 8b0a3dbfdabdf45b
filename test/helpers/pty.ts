/**
 * Runs a program on a real pseudo-terminal (python3's pty), typing keys as prompts appear,
 * for what only a terminal shows: prompts, line editing, colour.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * argv[1]: JSON list of [text to wait for, keys to type]; each step waits for its text to
 * appear after the previous step's keys were typed (an empty text: right away), then
 * argv[2:] is the program. Prints what the terminal showed and the exit status as JSON.
 */
const DRIVER = `
import os, pty, sys, time, select, fcntl, termios, struct, json
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out, mark, step, deadline = b'', 0, 0, time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    if step < len(steps) and steps[step][0].encode() in out[mark:]:
        time.sleep(0.3)
        mark = len(out)
        os.write(fd, steps[step][1].encode())
        step += 1
done, status = os.waitpid(pid, os.WNOHANG)
if done == 0:
    os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
print(json.dumps({'status': os.waitstatus_to_exitcode(status), 'output': out.decode(errors='replace')}))
`

let driverFile: string | undefined

/** One prompt and its answer: wait until `waitFor` shows, then type `keys`. */
export interface PtyStep {
  waitFor: string
  keys: string
}

/**
 * Runs `command` on a pseudo-terminal (120x40) with `env`, typing each step's keys once its
 * text shows; returns the exit status and everything the terminal showed (escapes included).
 */
export function onPty(
  command: string[],
  env: NodeJS.ProcessEnv,
  steps: PtyStep[] = [],
  timeoutMs = 90_000,
): {status: number; output: string} {
  if (!driverFile) {
    driverFile = join(mkdtempSync(join(tmpdir(), 'maestro-pty-')), 'pty-driver.py')
    writeFileSync(driverFile, DRIVER)
  }
  const run = spawnSync(
    'python3',
    [driverFile, JSON.stringify(steps.map((s) => [s.waitFor, s.keys])), ...command],
    {encoding: 'utf8', env, timeout: timeoutMs},
  )
  if (run.status !== 0) throw new Error(`pty driver failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as {status: number; output: string}
}
