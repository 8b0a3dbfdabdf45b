/**
 * The fate of every file an update touches, computed from three file maps: the render
 * of the recorded version (base), the render of the target (theirs) and the project as
 * it is (ours). Pure: no file system, no registry; the CLI and the daemon call it with
 * the same maps and get the same plan.
 */
import {createTwoFilesPatch} from 'diff'

import {isBinary} from '../domain/paths.js'
import {mergeText} from './merge.js'
import type {ConflictStyle, MergeLabels} from './merge.js'

/**
 * - `unchanged`: nothing to do (the template did not change it, or both sides agree).
 * - `updated`: the user had not touched it; the template's new version replaces it.
 * - `merged`: both changed it, in different places; merged cleanly.
 * - `conflict`: both changed the same lines; markers (or a .rej) written.
 * - `added`: new in the template.
 * - `removed`: the template dropped it and the user had not changed it.
 * - `kept-deleted`: the user deleted it; it stays deleted even though the template changed it.
 * - `kept`: the template dropped or changed it but the user's copy stays (changed by the
 *   user, or a binary file changed on both sides: binaries are never merged).
 */
export type FileFate =
  'unchanged' | 'updated' | 'merged' | 'conflict' | 'added' | 'removed' | 'kept-deleted' | 'kept'

export interface FilePlan {
  path: string
  fate: FileFate
  /** Set when a template migration moved the file here. */
  movedFrom?: string
  /** Why a file was kept, or what a conflict is about. */
  reason?: string
  /** Conflict hunks in the file (conflict only). */
  conflicts?: number
  /** The `.rej` file written beside it (conflict in rej mode only). */
  rej?: string
  /** Unified diff from the project's copy to the result (text files whose bytes change). */
  patch?: string
}

/** Relative path → new bytes, or null to delete. */
export type Changes = Map<string, Uint8Array | null>

export interface PlanInput {
  base: ReadonlyMap<string, Uint8Array>
  theirs: ReadonlyMap<string, Uint8Array>
  /** The project's current file at a path (null when absent). Must know every path of base, theirs and the migrations. */
  ours: ReadonlyMap<string, Uint8Array | null>
  /** Paths the template moved between the two versions (already rendered). */
  moves: readonly {from: string; to: string}[]
  /** Paths the template declared obsolete (already rendered). */
  deletes: readonly string[]
  style: ConflictStyle
  labels: MergeLabels
}

export interface Plan {
  files: FilePlan[]
  changes: Changes
}

const decoder = new TextDecoder('utf-8', {fatal: false, ignoreBOM: true})
const encoder = new TextEncoder()
const text = (bytes: Uint8Array): string => decoder.decode(bytes)

export function sameBytes(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined): boolean {
  if (a === b) return true
  if (!a || !b || a.byteLength !== b.byteLength) return false
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  )
}

function patchOf(path: string, before: Uint8Array | null, after: Uint8Array | null): string | undefined {
  if (sameBytes(before, after)) return undefined
  if ((before && isBinary(before)) || (after && isBinary(after))) return undefined
  // jsdiff starts with an `Index:`-style rule line; git's patches do not.
  return createTwoFilesPatch(
    before ? `a/${path}` : '/dev/null',
    after ? `b/${path}` : '/dev/null',
    before ? text(before) : '',
    after ? text(after) : '',
    undefined,
    undefined,
    {context: 3},
  ).replace(/^=+\n/, '')
}

/**
 * Decides each file's fate and the changes that carry it out.
 *
 * @example
 * ```ts
 * const {files, changes} = planUpdate({base, theirs, ours, moves: [], deletes: [], style: 'inline',
 *   labels: {ours: 'ours (your project)', theirs: 'theirs (fastapi-service 1.3.0)'}})
 * files.filter((f) => f.fate === 'conflict')
 * ```
 */
export function planUpdate(input: PlanInput): Plan {
  const base = new Map(input.base)
  const ours = new Map(input.ours)
  const movedFrom = new Map<string, string>()
  // A declared move carries the user's copy (and the base it came from) to the new path,
  // so the three-way merge below sees an edit, not a deletion plus an addition.
  for (const {from, to} of input.moves) {
    if (from === to) continue
    const b = base.get(from)
    const o = ours.get(from) ?? null
    if (ours.get(to)) continue
    if (b !== undefined) {
      base.delete(from)
      base.set(to, b)
    }
    // Deleted by the user before the move: it stays deleted at its new path too.
    if (o === null) continue
    ours.set(to, o)
    ours.set(from, null)
    movedFrom.set(to, from)
  }
  const files: FilePlan[] = []
  const changes: Changes = new Map()
  const current = (path: string): Uint8Array | null => input.ours.get(path) ?? null
  const set = (path: string, bytes: Uint8Array | null) => {
    if (!sameBytes(current(path), bytes)) changes.set(path, bytes)
  }
  for (const [to, from] of movedFrom) {
    set(from, null)
    set(to, ours.get(to)!)
  }

  const paths = new Set<string>([...base.keys(), ...input.theirs.keys()])
  for (const path of input.deletes) if (!input.theirs.has(path)) paths.add(path)
  for (const path of [...paths].sort()) {
    const b = base.get(path) ?? null
    const t = input.theirs.get(path) ?? null
    const o = ours.get(path) ?? null
    const entry: FilePlan = {path, fate: 'unchanged'}
    if (movedFrom.has(path)) entry.movedFrom = movedFrom.get(path)!
    const result = (fate: FileFate, bytes: Uint8Array | null, extra: Partial<FilePlan> = {}) => {
      Object.assign(entry, {fate}, extra)
      set(path, bytes)
      const before = entry.movedFrom !== undefined ? current(entry.movedFrom) : current(path)
      const patch = patchOf(path, before, bytes)
      if (patch !== undefined && (bytes !== null || before !== null)) entry.patch = patch
    }

    if (t === null) {
      if (o === null) {
        // Gone on both sides (or never in this project): nothing to say unless the template had it.
        continue
      } else if (b === null) {
        // Only a declared delete brings a path that neither render has here.
        result('removed', null, {reason: 'the template declared it obsolete'})
      } else if (sameBytes(o, b)) {
        result('removed', null)
      } else {
        result('kept', o, {reason: 'the template removed it, but you changed it'})
      }
    } else if (o === null) {
      if (b === null) result('added', t)
      else if (sameBytes(b, t)) continue
      else result('kept-deleted', null, {reason: 'you deleted it; the template changed it'})
    } else if (sameBytes(o, t)) {
      result('unchanged', o)
    } else if (b !== null && sameBytes(o, b)) {
      result('updated', t)
    } else if (b !== null && sameBytes(t, b)) {
      result('unchanged', o)
    } else if (isBinary(o) || isBinary(t) || (b !== null && isBinary(b))) {
      result('kept', o, {reason: 'binary file changed by you and by the template; yours is kept'})
    } else {
      // A file both sides added (b absent) merges against an empty base: any difference conflicts.
      const merged = mergeText(b === null ? '' : text(b), text(o), text(t), input.labels)
      if (merged.clean) {
        result('merged', encoder.encode(merged.text))
      } else if (input.style === 'inline') {
        result('conflict', encoder.encode(merged.inline), {conflicts: merged.conflicts})
      } else {
        const rej = `${path}.rej`
        result('conflict', encoder.encode(merged.kept), {conflicts: merged.conflicts, rej})
        changes.set(rej, encoder.encode(`--- a/${path}\n+++ b/${path}\n${merged.rejected}`))
      }
    }
    files.push(entry)
  }
  return {files, changes}
}

/** Every project path the plan needs to know (for reading the project before planning). */
export function pathsToRead(
  base: ReadonlyMap<string, Uint8Array>,
  theirs: ReadonlyMap<string, Uint8Array>,
  moves: readonly {from: string; to: string}[],
  deletes: readonly string[],
): Set<string> {
  const out = new Set<string>([...base.keys(), ...theirs.keys(), ...deletes])
  for (const {from, to} of moves) out.add(from).add(to)
  return out
}
