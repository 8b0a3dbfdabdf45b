import {Box, Text} from 'ink'

/**
 * A one-line progress bar: `Importing catalog ████████░░░░ 8/15 fastapi-service`.
 *
 * @example
 * ```tsx
 * render(<ProgressBar label="Importing" done={3} total={10} />)
 * ```
 */
export function ProgressBar(props: {
  label: string
  done: number
  total: number
  detail?: string | undefined
  width?: number
}) {
  const width = props.width ?? 30
  const ratio = props.total > 0 ? Math.min(1, props.done / props.total) : 1
  const filled = Math.round(ratio * width)
  return (
    <Box>
      <Text>{props.label} </Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(width - filled)}</Text>
      <Text>
        {' '}
        {props.done}/{props.total}
      </Text>
      {props.detail ? <Text dimColor> {props.detail}</Text> : null}
    </Box>
  )
}
