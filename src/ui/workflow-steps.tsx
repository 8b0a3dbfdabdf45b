import type {Instance} from 'ink'
import {Box, Text} from 'ink'

import type {ExecutionEvent, StepDefinition} from '../domain/workflow.js'

const MARK: Record<string, {mark: string; color: string}> = {
  pending: {mark: '·', color: 'gray'},
  running: {mark: '▶', color: 'cyan'},
  succeeded: {mark: '✔', color: 'green'},
  failed: {mark: '✖', color: 'red'},
  skipped: {mark: '↷', color: 'yellow'},
}

export interface StepRow {
  id: string
  name: string
  state: string
  last?: string
}

/** The steps of an execution with their states and each one's latest log line. */
export function WorkflowSteps({title, steps}: {title: string; steps: readonly StepRow[]}) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      {steps.map((s) => {
        const m = MARK[s.state] ?? MARK.pending!
        return (
          <Box key={s.id}>
            <Text color={m.color}>{`${m.mark} `}</Text>
            <Text>{s.name}</Text>
            {s.last ? <Text color="gray">{`  ${s.last.slice(0, 100)}`}</Text> : null}
          </Box>
        )
      })}
    </Box>
  )
}

/**
 * An ink view of an execution's steps as they run, on a terminal; undefined otherwise
 * (scripts get plain lines). Feed it the execution's events; call `done()` at the end.
 *
 * @example
 * ```ts
 * const view = stepsView('python-service@1.0.0', definition.steps)
 * await workflows.run(ref, opts, (e) => view?.update(e))
 * view?.done()
 * ```
 */
export function stepsView(
  title: string,
  definition: readonly StepDefinition[],
  stream: NodeJS.WriteStream = process.stderr,
): {update: (event: ExecutionEvent) => void; done: () => void} | undefined {
  if (!stream.isTTY || process.env.CI) return undefined
  const rows: StepRow[] = definition.map((s) => ({id: s.id, name: s.name ?? s.id, state: 'pending'}))
  let instance: Instance | undefined
  const draw = async () => {
    const {render} = await import('ink')
    const node = <WorkflowSteps title={title} steps={rows.map((r) => ({...r}))} />
    if (instance) instance.rerender(node)
    else instance = render(node, {stdout: stream, patchConsole: false})
  }
  return {
    update: (event) => {
      const d = event.data as {id?: string; step?: string; state?: string; message?: string}
      const row = rows.find((r) => r.id === (event.type === 'log' ? d.step : d.id))
      if (event.type === 'step' && row && d.state) row.state = d.state
      if (event.type === 'log' && row && d.message) row.last = d.message
      void draw()
    },
    done: () => {
      instance?.unmount()
      instance = undefined
    },
  }
}
