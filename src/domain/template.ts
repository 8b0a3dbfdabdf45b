import {lstat, readFile, readdir, stat} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {
  InvalidTemplateError,
  LimitExceededError,
  NotFoundError,
  UnsafePathError,
  UsageError,
} from './errors.js'
import {WORKFLOW_CATEGORY, parseManifest} from './manifest.js'
import {PathCollisions, assertSafeRelativePath} from './paths.js'
import type {LoadedTemplate, TemplateFiles} from './types.js'

/** Ceilings on a template folder: bigger than any real template, small enough for a daemon. */
export const TEMPLATE_LIMITS = Object.freeze({maxFiles: 5000, maxBytes: 50 * 1024 * 1024})

/** Names never read into a template: VCS data, installed packages, Finder litter. */
const SKIPPED_NAMES = new Set(['.git', 'node_modules', '.DS_Store'])

/**
 * Reads a template folder into memory and validates it (see {@link parseTemplate}).
 *
 * Symbolic links are refused, not followed: a template is content to publish and share,
 * and a link would either leak a file from the author's machine or break elsewhere.
 * `.git`, `node_modules` and `.DS_Store` are skipped at any depth.
 *
 * @example
 * ```ts
 * const template = await loadTemplateDir('templates_storage/backend_developer/fastapi-service')
 * template.manifest.version // '1.2.0'
 * ```
 */
export async function loadTemplateDir(
  dir: string,
  limits: {maxFiles?: number; maxBytes?: number} = {},
): Promise<LoadedTemplate> {
  return parseTemplate(await readFolderFiles(dir, limits), dir)
}

/**
 * Reads a folder's files into memory, with the same limits and refusals as
 * {@link loadTemplateDir} (links, devices, too many files or bytes), without parsing them:
 * the reader of workflow folders shares it.
 *
 * @example
 * ```ts
 * const files = await readFolderFiles('templates_storage/workflows/python-service')
 * ```
 */
export async function readFolderFiles(
  dir: string,
  limits: {maxFiles?: number; maxBytes?: number} = {},
): Promise<TemplateFiles> {
  const maxFiles = limits.maxFiles ?? TEMPLATE_LIMITS.maxFiles
  const maxBytes = limits.maxBytes ?? TEMPLATE_LIMITS.maxBytes
  const root = resolve(dir)
  try {
    if (!(await stat(root)).isDirectory()) throw new UsageError(`${dir} is not a folder`, {dir})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('template folder', dir)
    throw err
  }
  const files: TemplateFiles = new Map()
  let total = 0

  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, {withFileTypes: true})
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of entries) {
      if (SKIPPED_NAMES.has(entry.name)) continue
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`
      const full = join(abs, entry.name)
      if (entry.isSymbolicLink())
        throw new UnsafePathError(
          relPath,
          'is a symbolic link; templates may not contain links (copy the file instead)',
        )
      if (entry.isDirectory()) {
        await walk(full, relPath)
      } else if (entry.isFile()) {
        if (files.size >= maxFiles)
          throw new LimitExceededError(`template ${dir} has more than ${maxFiles} files`, {dir, maxFiles})
        total += (await lstat(full)).size
        if (total > maxBytes)
          throw new LimitExceededError(`template ${dir} is larger than ${maxBytes} bytes`, {dir, maxBytes})
        const buf = await readFile(full)
        files.set(relPath, new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
      } else {
        throw new UnsafePathError(relPath, 'is neither a file nor a folder (socket, device or pipe)')
      }
    }
  }
  await walk(root, '')
  return files
}

/**
 * Validates an in-memory template (from a folder, the store or an upload): every path is
 * safe, manifest.yaml exists and is valid. `source` names the template in errors, and
 * manifest issues then point at `${source}/manifest.yaml`.
 *
 * @example
 * ```ts
 * const template = parseTemplate(new Map([['manifest.yaml', bytes], ['files/README.md', readme]]), 'upload')
 * ```
 */
export function parseTemplate(files: TemplateFiles, source?: string): LoadedTemplate {
  const collisions = new PathCollisions('template path')
  for (const path of files.keys()) {
    assertSafeRelativePath(path, 'template path')
    collisions.add(path)
  }
  const manifestFile = source === undefined ? 'manifest.yaml' : `${source}/manifest.yaml`
  const raw = files.get('manifest.yaml')
  if (raw === undefined) {
    throw new InvalidTemplateError(
      [{file: manifestFile, message: 'manifest.yaml is missing; every template needs one at its top level'}],
      source === undefined ? 'template is invalid' : `template ${source} is invalid`,
    )
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', {fatal: true}).decode(raw)
  } catch {
    throw new InvalidTemplateError([{file: manifestFile, message: 'manifest.yaml is not UTF-8 text'}])
  }
  const manifest = parseManifest(text, manifestFile)
  if (manifest.category === WORKFLOW_CATEGORY && !files.has('workflow.yaml'))
    throw new InvalidTemplateError([
      {
        file: manifestFile,
        message: `category "${WORKFLOW_CATEGORY}" is for workflows, which hold a workflow.yaml; publish them with \`maestro-tpl workflow create\``,
      },
    ])
  const readmeBytes = files.get('README.md')
  const readme = readmeBytes === undefined ? '' : new TextDecoder('utf-8').decode(readmeBytes)
  return {manifest, files, readme}
}
