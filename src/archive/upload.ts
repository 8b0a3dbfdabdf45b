/**
 * Template uploads: a JSON body (`{manifest?, files}`) or a .tar.gz of the template
 * folder, turned into the same in-memory file map a folder on disk gives, then parsed
 * by the domain (`parseTemplate`), so an upload is held to exactly the rules of
 * `maestro-tpl create ./folder`.
 */
import {stringify} from 'yaml'

import type {TemplateUpload} from '../domain/wire.js'
import {decodeFiles} from '../domain/wire.js'
import {LimitExceededError, UsageError} from '../domain/errors.js'
import type {TemplateFiles} from '../domain/types.js'
import {unpackTarGz} from './archive.js'
import type {Limits} from '../config.js'

/**
 * The files of an upload body: a Buffer is a .tar.gz (the route accepted
 * application/gzip), anything else the validated JSON form.
 *
 * @example
 * ```ts
 * const files = uploadedFiles(req.body, limits)
 * const template = parseTemplate(files, 'upload')
 * ```
 */
export function uploadedFiles(body: unknown, limits: Limits): TemplateFiles {
  if (Buffer.isBuffer(body)) {
    return unpackTarGz(body, {
      unpackedBytes: limits.unpackedBytes,
      entries: limits.uploadEntries,
      maxRatio: limits.maxRatio,
      ratioFloor: limits.ratioFloor,
    })
  }
  const upload = body as TemplateUpload
  const count = Object.keys(upload.files).length
  if (count > limits.uploadEntries) {
    throw new LimitExceededError(
      `the upload has ${count} files; at most ${limits.uploadEntries} are accepted`,
      {
        limit: limits.uploadEntries,
      },
    )
  }
  const files = decodeFiles(upload.files)
  if (upload.manifest !== undefined) {
    if (files.has('manifest.yaml')) {
      throw new UsageError('give the manifest once: as `manifest` or as files["manifest.yaml"], not both')
    }
    files.set('manifest.yaml', new TextEncoder().encode(stringify(upload.manifest)))
  }
  return files
}
