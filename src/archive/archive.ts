/**
 * Archives in memory: packing a rendered project as .tar.gz or .zip (the instantiate
 * download, like Spring Initializr's starter.zip), and unpacking an uploaded .tar.gz
 * template with limits on size, entry count and compression ratio.
 */
import {gunzipSync} from 'node:zlib'

import {Zip, ZipDeflate} from 'fflate'
import {Parser} from 'tar'
import type {ReadEntry} from 'tar'

import {LimitExceededError, UnsafePathError, UsageError} from '../domain/errors.js'
import {assertSafeRelativePath} from '../domain/paths.js'
import type {TemplateFiles} from '../domain/types.js'
import {filesToEntries, modeFor, writeTarGz} from './tar/write.js'

function sortedEntries(files: ReadonlyMap<string, Uint8Array>, root: string): [string, Uint8Array][] {
  const prefix = root === '' ? '' : `${assertSafeRelativePath(root, 'archive root')}/`
  return [...files.keys()].sort().map((path) => [prefix + path, files.get(path)!])
}

/**
 * A gzipped POSIX tar of `files`, each under `root/` (none when `root` is ''), each
 * folder before its files. Long paths get a pax header; times are fixed so equal
 * projects give equal archives. Written by tar.ts, the writer the SDK uploads with.
 *
 * @example
 * ```ts
 * const tgz = packTarGz(project.files, 'billing')  // billing/README.md, billing/src/...
 * ```
 */
export function packTarGz(files: ReadonlyMap<string, Uint8Array>, root: string): Buffer {
  return Buffer.from(writeTarGz(filesToEntries(new Map(sortedEntries(files, root)))))
}

/**
 * A zip of `files` under `root/`, executable bits kept in the Unix attributes.
 *
 * @example
 * ```ts
 * const zip = packZip(project.files, 'billing')
 * ```
 */
export function packZip(
  files: ReadonlyMap<string, Uint8Array>,
  root: string,
  mtime = new Date(1980, 0, 1),
): Buffer {
  // File by file rather than zipSync's object of paths: a file named `__proto__` must stay a file.
  const chunks: Uint8Array[] = []
  const zip = new Zip((err, chunk) => {
    if (err) throw err
    chunks.push(chunk)
  })
  for (const [path, data] of sortedEntries(files, root)) {
    const entry = new ZipDeflate(path, {level: 6})
    entry.mtime = mtime
    // os 3 = Unix: the upper 16 bits of attrs are st_mode, which unzip(1) restores.
    entry.os = 3
    entry.attrs = ((0o100000 | modeFor(data)) << 16) >>> 0
    zip.add(entry)
    entry.push(data, true)
  }
  zip.end()
  return Buffer.concat(chunks)
}

export interface UnpackLimits {
  /** Largest archive once decompressed (bytes). */
  unpackedBytes: number
  /** Most entries (files, folders and anything else). */
  entries: number
  /** Highest decompressed/compressed ratio, checked once the output passes `ratioFloor`. */
  maxRatio: number
  ratioFloor: number
}

/**
 * Unpacks a .tar.gz template upload in memory.
 *
 * Refused: output past `unpackedBytes` or past `maxRatio` times the input (a bomb),
 * more than `entries` entries, symbolic and hard links, devices and fifos, and unsafe
 * paths (`..`, absolute, `.git`...), each with a problem that names it. A single top
 * folder holding manifest.yaml (`tar czf t.tgz my-template/`) is taken as the root,
 * and a leading `./` (`tar czf t.tgz -C my-template .`) is dropped.
 *
 * @example
 * ```ts
 * const files = unpackTarGz(req.body, {unpackedBytes: 50e6, entries: 5000, maxRatio: 100, ratioFloor: 1e6})
 * ```
 */
export function unpackTarGz(archive: Uint8Array, limits: UnpackLimits): TemplateFiles {
  const tar = gunzipLimited(archive, limits)
  const raw = new Map<string, Uint8Array>()
  let count = 0
  let failure: Error | undefined
  const parser = new Parser({strict: true})
  const fail = (err: Error) => {
    failure ??= err
    parser.abort(err)
  }
  const check = (path: string): boolean => {
    try {
      assertSafeRelativePath(path, 'archive entry')
      return true
    } catch (err) {
      fail(err as Error)
      return false
    }
  }
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) return entry.resume()
    count++
    if (count > limits.entries) {
      return fail(
        new LimitExceededError(`the archive has more than ${limits.entries} entries`, {
          limit: limits.entries,
        }),
      )
    }
    const path = entry.path.startsWith('./') ? entry.path.slice(2) : entry.path
    if (entry.type === 'Directory') {
      if (path !== '' && path !== '.') check(path.replace(/\/+$/, ''))
      return entry.resume()
    }
    if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
      const kind = entry.type === 'Link' ? 'a hard link' : 'a symbolic link'
      return fail(
        new UnsafePathError(path, `is ${kind}; templates may not contain links (copy the file instead)`),
      )
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      return fail(
        new UnsafePathError(path, `is a ${entry.type} entry; an archive may hold only files and folders`),
      )
    }
    if (!check(path)) return entry.resume()
    if (raw.has(path)) return fail(new UsageError(`the archive holds ${path} twice`, {path}))
    const parts: Buffer[] = []
    entry.on('data', (chunk: Buffer) => parts.push(chunk))
    entry.on('end', () => {
      const buf = Buffer.concat(parts)
      raw.set(path, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
    })
  })
  parser.on('error', (err: Error) => {
    failure ??= new UsageError(`the body is not a valid .tar.gz: ${err.message}`)
  })
  // With the whole (already decompressed) archive at hand, the parser works synchronously.
  parser.end(tar)
  if (failure) throw failure
  return stripTopFolder(raw)
}

function gunzipLimited(archive: Uint8Array, limits: UnpackLimits): Buffer {
  const byRatio = Math.max(limits.ratioFloor, archive.byteLength * limits.maxRatio)
  const max = Math.min(limits.unpackedBytes, byRatio)
  try {
    return gunzipSync(archive, {maxOutputLength: max})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw max === limits.unpackedBytes
        ? new LimitExceededError(
            `the archive is larger than ${limits.unpackedBytes} bytes once decompressed`,
            {
              limit: limits.unpackedBytes,
            },
          )
        : new LimitExceededError(
            `the archive decompresses to more than ${limits.maxRatio} times its size; that is refused as a decompression bomb`,
            {maxRatio: limits.maxRatio},
          )
    }
    throw new UsageError(`the body is not a valid gzip stream: ${(err as Error).message}`)
  }
}

/** `my-template/manifest.yaml, my-template/README.md` → `manifest.yaml, README.md`. */
function stripTopFolder(files: Map<string, Uint8Array>): TemplateFiles {
  if (files.has('manifest.yaml') || files.size === 0) return files
  const tops = new Set([...files.keys()].map((p) => p.split('/')[0]))
  if (tops.size !== 1) return files
  const top = `${[...tops][0]}/`
  if (!files.has(`${top}manifest.yaml`)) return files
  return new Map([...files].map(([path, data]) => [path.slice(top.length), data]))
}

/**
 * How a rendered project's archive is sent (the API's instantiate and the web catalog's
 * download alike): its media type, a file name from the archive root, and which
 * template, version and commit it came from.
 *
 * @example
 * ```ts
 * downloadHeaders('zip', 'billing', {name: 'fastapi-service', version: '1.0.0', commit: 'abc'})
 * // {contentType: 'application/zip', headers: {'Content-Disposition': 'attachment; filename="billing.zip"', ...}}
 * ```
 */
export function downloadHeaders(
  format: 'tar.gz' | 'zip',
  root: string,
  meta: {name: string; version: string; commit: string},
): {contentType: string; headers: Record<string, string>} {
  const filename = `${root === '' ? meta.name : root.replaceAll('/', '-')}.${format}`
  return {
    contentType: format === 'zip' ? 'application/zip' : 'application/gzip',
    headers: {
      'Content-Disposition': `attachment; filename="${filename}"`,
      'X-Maestro-Template': meta.name,
      'X-Maestro-Version': meta.version,
      'X-Maestro-Commit': meta.commit,
    },
  }
}
