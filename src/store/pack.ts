/**
 * Packing a repository's loose objects into one packfile (with its .idx), the way
 * `git repack -a -d` leaves a repository: used at build time for the bundled catalog's
 * prebuilt store (src/registry/catalog-store.ts), so a new store copies two files instead
 * of one file per object. Reading is unchanged: isomorphic-git reads packed and loose
 * objects alike, and new objects are written loose beside the pack.
 */
import {promises as fsp} from 'node:fs'
import {join} from 'node:path'

import {storeFs as fs} from './fs.js'

/**
 * Moves every loose object of the bare repository at `gitdir` into one pack and returns
 * how many objects it holds (0: nothing loose, nothing written).
 *
 * @example
 * ```ts
 * await packLooseObjects('/tmp/build/git/public.git') // 912
 * ```
 */
export async function packLooseObjects(gitdir: string): Promise<number> {
  const objects = join(gitdir, 'objects')
  const oids: string[] = []
  for (const dir of (await fsp.readdir(objects)).sort()) {
    if (!/^[0-9a-f]{2}$/.test(dir)) continue
    for (const rest of (await fsp.readdir(join(objects, dir))).sort()) {
      if (/^[0-9a-f]{38}$/.test(rest)) oids.push(dir + rest)
    }
  }
  if (oids.length === 0) return 0
  const {default: git} = await import('isomorphic-git')
  const {filename} = await git.packObjects({fs, gitdir, oids, write: true})
  await git.indexPack({fs, dir: gitdir, gitdir, filepath: join('objects', 'pack', filename)})
  for (const dir of await fsp.readdir(objects)) {
    if (/^[0-9a-f]{2}$/.test(dir)) await fsp.rm(join(objects, dir), {recursive: true, force: true})
  }
  return oids.length
}
