/**
 * The file system client handed to isomorphic-git.
 *
 * isomorphic-git writes a loose object straight to its final name and never rewrites
 * an object file that exists. A crash (or a reader in another process) in the middle of
 * that write would leave a truncated object that no later write repairs. Writing to a
 * temporary name and renaming it into place, as git itself does, makes every object
 * appear whole or not at all.
 */
import {promises as fsp, renameSync, rmSync, writeFileSync} from 'node:fs'

// Unique among this process's writes; the pid keeps processes apart.
let sequence = 0

async function writeFileAtomic(
  path: string,
  data: Parameters<typeof fsp.writeFile>[1],
  options?: Parameters<typeof fsp.writeFile>[2],
): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${(sequence++).toString(36)}`
  try {
    await fsp.writeFile(temporary, data, options)
    await fsp.rename(temporary, path)
  } catch (err) {
    await fsp.rm(temporary, {force: true})
    throw err
  }
}

/**
 * The same, synchronously: for the few small files a commit writes while it holds its
 * namespace's lock (src/store/namespace-repo.ts), which must not wait behind the file
 * system thread pool that every request of the daemon shares.
 */
export function writeFileAtomicSync(path: string, data: Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}-${(sequence++).toString(36)}`
  try {
    writeFileSync(temporary, data)
    renameSync(temporary, path)
  } catch (err) {
    rmSync(temporary, {force: true})
    throw err
  }
}

// isomorphic-git probes every file system it is handed, on every call, by calling
// `readFile()` without arguments and checking for a promise. Answering that probe with a
// ready-made rejection spares building (and capturing the stack of) a new error each time.
const PROBE_ERROR = Object.assign(new Error('readFile needs a path'), {code: 'EINVAL'})
const PROBE_ANSWER = Promise.reject(PROBE_ERROR)
PROBE_ANSWER.catch(() => undefined)

function readFile(...args: Parameters<typeof fsp.readFile>): ReturnType<typeof fsp.readFile> {
  if (args[0] === undefined) return PROBE_ANSWER
  return fsp.readFile(...args)
}

/**
 * Node's promise file system with atomic `writeFile`.
 *
 * @example
 * ```ts
 * await git.writeBlob({fs: storeFs, gitdir, blob})
 * ```
 */
export const storeFs = Object.freeze({
  promises: Object.freeze({
    readFile,
    writeFile: writeFileAtomic,
    mkdir: fsp.mkdir,
    rmdir: fsp.rmdir,
    rm: fsp.rm,
    unlink: fsp.unlink,
    stat: fsp.stat,
    lstat: fsp.lstat,
    readdir: fsp.readdir,
    readlink: fsp.readlink,
    symlink: fsp.symlink,
    chmod: fsp.chmod,
  }),
})
