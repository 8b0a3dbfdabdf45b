import type {Instance} from 'ink'

import type {ImportProgress} from '../domain/registry.js'

/**
 * Progress of long work (the first-use catalog import, reindex): an ink progress bar
 * on a terminal, nothing otherwise (scripts and CI want a quiet stderr). ink is
 * loaded only when there is a terminal to draw on. Callers await each event.
 */
export function importProgress(stream: NodeJS.WriteStream = process.stderr): ImportProgress | undefined {
  if (!stream.isTTY || process.env.CI) return undefined
  let instance: Instance | undefined
  return async (event) => {
    const [{render}, {ProgressBar}] = await Promise.all([import('ink'), import('./progress-bar.js')])
    const node = (
      <ProgressBar label={event.label} done={event.done} total={event.total} detail={event.detail} />
    )
    if (instance) instance.rerender(node)
    else instance = render(node, {stdout: stream, patchConsole: false})
    if (event.done >= event.total) {
      instance.unmount()
      instance = undefined
    }
  }
}

/** One event of isomorphic-git's transfer progress. */
export interface TransferEvent {
  phase: string
  loaded: number
  total?: number | undefined
}

/**
 * Progress of a git transfer (sync): one line per phase ("Receiving objects", "Resolving
 * deltas"...), a bar when git knows the total and a count when it does not. Undefined
 * without a terminal. Call `done()` when the transfer is over.
 *
 * @example
 * ```ts
 * const progress = transferProgress()
 * await syncNamespace(repo, {url, onProgress: progress?.update})
 * progress?.done()
 * ```
 */
export function transferProgress(
  stream: NodeJS.WriteStream = process.stderr,
): {update: (event: TransferEvent) => Promise<void>; done: () => void} | undefined {
  if (!stream.isTTY || process.env.CI) return undefined
  let instance: Instance | undefined
  return {
    update: async (event) => {
      const [{render, Text}, {ProgressBar}] = await Promise.all([import('ink'), import('./progress-bar.js')])
      const node =
        event.total && event.total > 0 ? (
          <ProgressBar label={event.phase} done={event.loaded} total={event.total} />
        ) : (
          <Text>
            {event.phase} {event.loaded}
          </Text>
        )
      if (instance) instance.rerender(node)
      else instance = render(node, {stdout: stream, patchConsole: false})
    },
    done: () => {
      instance?.unmount()
      instance = undefined
    },
  }
}
