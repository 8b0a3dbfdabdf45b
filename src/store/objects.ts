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
export function looseObject(type: 'blob' | 'tree' | 'commit', body: Uint8Array): {oid: string; file: Buffer} {
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

/** Who made a commit, and when (seconds since the epoch; minutes west of UTC, as `Date#getTimezoneOffset`). */
export interface CommitSignature {
  name: string
  email: string
  timestamp: number
  timezoneOffset: number
}

/**
 * The body of a commit object, byte for byte as isomorphic-git's `writeCommit` and git
 * write it: headers, a blank line, the message with CRs dropped, no leading blank lines
 * and exactly one newline at the end.
 *
 * @example
 * ```ts
 * looseObject('commit', commitBody({tree, parents: [head], author, committer, message: 'create api'}))
 * ```
 */
export function commitBody(commit: {
  tree: string
  parents: readonly string[]
  author: CommitSignature
  committer: CommitSignature
  message: string
}): Buffer {
  const person = (s: CommitSignature) =>
    `${s.name} <${s.email}> ${s.timestamp} ${formatOffset(s.timezoneOffset)}`
  const headers = [
    `tree ${commit.tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${person(commit.author)}`,
    `committer ${person(commit.committer)}`,
  ]
  const message = `${commit.message.replace(/\r/g, '').replace(/^\n+/, '').replace(/\n+$/, '')}\n`
  return Buffer.from(`${headers.join('\n')}\n\n${message}`, 'utf8')
}

/** `+HHMM` / `-HHMM` from minutes west of UTC (0 is `+0000`). */
function formatOffset(minutesWest: number): string {
  const sign = minutesWest > 0 ? '-' : '+'
  const minutes = Math.abs(minutesWest)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${sign}${pad(Math.floor(minutes / 60))}${pad(minutes % 60)}`
}
