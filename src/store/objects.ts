/**
 * Git object ids computed in memory. Knowing every id of a change before writing lets
 * the store skip objects that already exist, write the new ones in parallel instead of
 * tree by tree, and decide that a change changes nothing without writing anything.
 */
import {createHash} from 'node:crypto'
import {deflateSync} from 'node:zlib'

/** One entry of a git tree. */
export interface TreeEntry {
  mode: string
  path: string
  oid: string
  type: 'blob' | 'tree' | 'commit'
}

export const FILE_MODE = '100644'
export const EXECUTABLE_MODE = '100755'
export const TREE_MODE = '040000'
/** The id of the empty tree, which git knows without storing it. */
export const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

/**
 * The id git gives `content` as a blob (`git hash-object`).
 *
 * @example
 * ```ts
 * blobId(new Uint8Array()) // 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
 * ```
 */
export function blobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex')
}

/**
 * The id git gives a tree of `entries` (`git mktree`). Sorts `entries` in place into
 * git's order.
 *
 * @example
 * ```ts
 * treeId([]) // EMPTY_TREE
 * ```
 */
export function treeId(entries: TreeEntry[]): string {
  const body = treeBody(entries)
  return createHash('sha1').update(`tree ${body.byteLength}\0`).update(body).digest('hex')
}

/** The body of a tree object (what follows `tree <size>\0`). Sorts `entries` in place. */
export function treeBody(entries: TreeEntry[]): Buffer {
  entries.sort(compareTreeEntries)
  return Buffer.concat(
    entries.flatMap((e) => [
      Buffer.from(`${e.mode.replace(/^0/, '')} ${e.path}\0`),
      Buffer.from(e.oid, 'hex'),
    ]),
  )
}

/**
 * A loose object file as git stores it: zlib-deflated `<type> <size>\0<body>`, and its id.
 *
 * @example
 * ```ts
 * looseObject('blob', new Uint8Array()).oid // 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
 * ```
 */
export function looseObject(type: 'blob' | 'tree', body: Uint8Array): {oid: string; file: Buffer} {
  const raw = Buffer.concat([Buffer.from(`${type} ${body.byteLength}\0`), body])
  return {oid: createHash('sha1').update(raw).digest('hex'), file: deflateSync(raw, {level: 1})}
}

/** Git's tree order: byte order, with folders compared as if their name ended in `/`. */
export function compareTreeEntries(a: TreeEntry, b: TreeEntry): number {
  return compareBytes(a.type === 'tree' ? `${a.path}/` : a.path, b.type === 'tree' ? `${b.path}/` : b.path)
}

/** Byte order of the UTF-8 encodings, which is how git compares names. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
