/**
 * Writing .tar.gz with Node's own zlib and no tar library: the daemon's archive
 * downloads (../archive.ts) and the SDK's uploads (packages/client, which installs nothing
 * but itself) share it, so this module imports only `node:` built-ins. POSIX ustar
 * headers, a pax header for a path or link longer than the 100 bytes ustar holds. The
 * daemon unpacks uploads with its own limits and refuses links and special files, so
 * a folder's links are sent as what they are, not followed.
 */
import {lstat, readFile, readdir, readlink} from 'node:fs/promises'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

const BLOCK = 512
const encoder = new TextEncoder()

/** One archive entry; `content` only for files. */
export interface TarEntry {
  path: string
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'other'
  mode: number
  content?: Uint8Array
  /** The target of a symbolic or hard link. */
  linkpath?: string
}

const TYPE_FLAG: Record<TarEntry['type'], string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  directory: '5',
  // A FIFO: the daemon refuses every entry that is not a file or folder.
  other: '6',
}

/** A gzipped tar of `entries`, in their order; times and owners fixed so equal input gives equal bytes. */
export function writeTarGz(entries: Iterable<TarEntry>): Uint8Array {
  const blocks: Uint8Array[] = []
  for (const entry of entries) {
    const size = entry.type === 'file' ? (entry.content?.byteLength ?? 0) : 0
    const linkpath = entry.linkpath ?? ''
    const long = encoder.encode(entry.path).byteLength > 100 || encoder.encode(linkpath).byteLength > 100
    if (long) {
      const records = paxRecord('path', entry.path) + (linkpath ? paxRecord('linkpath', linkpath) : '')
      const body = encoder.encode(records)
      blocks.push(header({name: 'PaxHeader', type: 'x', mode: 0o644, size: body.byteLength, linkpath: ''}))
      blocks.push(...padded(body))
    }
    blocks.push(header({name: entry.path, type: TYPE_FLAG[entry.type], mode: entry.mode, size, linkpath}))
    if (entry.type === 'file' && entry.content) blocks.push(...padded(entry.content))
  }
  blocks.push(new Uint8Array(BLOCK * 2))
  return new Uint8Array(gzipSync(concat(blocks)))
}

/** Template files carry no mode bits; a script with a shebang is almost always meant to run. */
export function modeFor(bytes: Uint8Array): number {
  return bytes[0] === 0x23 && bytes[1] === 0x21 ? 0o755 : 0o644
}

/** The entries of a file map: each folder before its files, paths sorted. */
export function filesToEntries(files: ReadonlyMap<string, Uint8Array>): TarEntry[] {
  const entries: TarEntry[] = []
  const dirs = new Set<string>()
  for (const path of [...files.keys()].sort()) {
    const parts = path.split('/')
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`
      if (!dirs.has(dir)) {
        dirs.add(dir)
        entries.push({path: dir, type: 'directory', mode: 0o755})
      }
    }
    const content = files.get(path)!
    entries.push({path, type: 'file', mode: modeFor(content), content})
  }
  return entries
}

/**
 * The entries of a folder on disk, skipping what `skip` matches (a path relative to
 * `root`). Links stay links (a second name of a file already seen is a hard link), so
 * the daemon refuses them as `create ./folder` does locally.
 */
export async function folderToEntries(root: string, skip: RegExp): Promise<TarEntry[]> {
  const entries: TarEntry[] = []
  const seen = new Map<string, string>()
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const names = (await readdir(dir)).sort()
    for (const name of names) {
      const path = prefix + name
      if (skip.test(path)) continue
      const full = join(dir, name)
      const stat = await lstat(full)
      const mode = stat.mode & 0o7777
      if (stat.isDirectory()) {
        entries.push({path: `${path}/`, type: 'directory', mode})
        await walk(full, `${path}/`)
      } else if (stat.isSymbolicLink()) {
        entries.push({path, type: 'symlink', mode, linkpath: await readlink(full)})
      } else if (stat.isFile()) {
        const inode = `${stat.dev}:${stat.ino}`
        const first = stat.nlink > 1 ? seen.get(inode) : undefined
        if (first !== undefined) {
          entries.push({path, type: 'hardlink', mode, linkpath: first})
        } else {
          if (stat.nlink > 1) seen.set(inode, path)
          entries.push({path, type: 'file', mode, content: await readFile(full)})
        }
      } else {
        entries.push({path, type: 'other', mode})
      }
    }
  }
  await walk(root, '')
  return entries
}

function header(fields: {
  name: string
  type: string
  mode: number
  size: number
  linkpath: string
}): Uint8Array {
  const block = new Uint8Array(BLOCK)
  const put = (offset: number, length: number, text: string) => {
    block.set(encoder.encode(text).subarray(0, length), offset)
  }
  const octal = (offset: number, length: number, value: number) =>
    put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`)
  put(0, 100, fields.name)
  octal(100, 8, fields.mode)
  octal(108, 8, 0) // uid
  octal(116, 8, 0) // gid
  octal(124, 12, fields.size)
  octal(136, 12, 0) // mtime: the epoch, so equal projects give equal archives
  put(148, 8, ' '.repeat(8)) // the checksum counts its own field as spaces
  put(156, 1, fields.type)
  put(157, 100, fields.linkpath)
  put(257, 6, 'ustar\0')
  put(263, 2, '00')
  let sum = 0
  for (const byte of block) sum += byte
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `)
  return block
}

/** `<length> <key>=<value>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`
  const restBytes = encoder.encode(rest).byteLength
  let length = restBytes + 1
  while (String(length).length + restBytes !== length) length = String(length).length + restBytes
  return `${length}${rest}`
}

function padded(data: Uint8Array): Uint8Array[] {
  const pad = (BLOCK - (data.byteLength % BLOCK)) % BLOCK
  return pad > 0 ? [data, new Uint8Array(pad)] : [data]
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const part of parts) total += part.byteLength
  const out = new Uint8Array(total)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}
