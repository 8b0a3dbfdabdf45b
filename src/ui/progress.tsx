import type {Instance} from 'ink'

import type {ImportProgress} from '../registry/local-registry.js'

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
