/**
 * Reading a password: from standard input (`--password-stdin`, for scripts), or typed at
 * the terminal without echo. Never from a flag, where it would land in shell history and
 * `ps` output.
 */
import {MaestroError} from '../domain/errors.js'

/** All of standard input, less one trailing newline. */
export async function readStdinSecret(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)))
  const secret = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (secret === '')
    throw new MaestroError('nothing on standard input; pipe the password in', {
      code: 'USAGE_ERROR',
      status: 400,
      exitCode: 2,
    })
  return secret
}

/**
 * Asks for a secret at the terminal, echoing nothing.
 *
 * @example
 * ```ts
 * const password = await promptSecret('Password: ')
 * ```
 */
export function promptSecret(
  question: string,
  stdin: NodeJS.ReadStream = process.stdin,
  out: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = ''
    out.write(question)
    stdin.setRawMode(true)
    stdin.resume()
    stdin.setEncoding('utf8')
    const done = (err?: Error) => {
      stdin.setRawMode(false)
      stdin.pause()
      stdin.off('data', onData)
      out.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done()
        if (char === '\u0003')
          return done(new MaestroError('cancelled', {code: 'CANCELLED', status: 400, exitCode: 130}))
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1)
        else value += char
      }
    }
    stdin.on('data', onData)
  })
}
