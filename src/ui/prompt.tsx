import {Box, Text, useInput, useStdin} from 'ink'
import {useEffect, useRef, useState} from 'react'

import {MaestroError} from '../domain/errors.js'
import type {AnswerValue, Parameter} from '../domain/types.js'
import {editLine} from './line-edit.js'

/**
 * Interactive prompts for template parameters, one ink component per parameter type.
 * Only ever loaded on a terminal (see src/cli/answers.ts).
 */

export interface PromptProps {
  param: Parameter
  suggested: AnswerValue | undefined
  onSubmit: (value: AnswerValue) => void
}

function Label({param}: {param: Parameter}) {
  return (
    <Text>
      <Text color="cyan">? </Text>
      <Text bold>{param.prompt ?? param.name}</Text>
      {param.description ? <Text dimColor> {param.description}</Text> : null}
    </Text>
  )
}

/** Validates typed text for string, integer and number parameters; returns an error message or the value. */
export function parseTyped(param: Parameter, text: string): {value: AnswerValue} | {error: string} {
  if (param.type === 'integer' || param.type === 'number') {
    const n = Number(text)
    if (text.trim() === '' || Number.isNaN(n)) return {error: 'enter a number'}
    if (param.type === 'integer' && !Number.isInteger(n)) return {error: 'enter a whole number'}
    if (param.min !== undefined && n < param.min) return {error: `at least ${param.min}`}
    if (param.max !== undefined && n > param.max) return {error: `at most ${param.max}`}
    return {value: n}
  }
  if (param.pattern && !new RegExp(param.pattern, 'u').test(text))
    return {error: param.pattern_hint ?? `must match ${param.pattern}`}
  if (param.min !== undefined && text.length < param.min) return {error: `at least ${param.min} characters`}
  if (param.max !== undefined && text.length > param.max) return {error: `at most ${param.max} characters`}
  return {value: text}
}

export function TextPrompt({param, suggested, onSubmit}: PromptProps) {
  const [text, setText] = useState('')
  // Keystrokes can arrive faster than React re-renders (a paste, a fast typist): keep
  // the authoritative value in a ref so Enter never submits a stale one.
  const value = useRef('')
  const [error, setError] = useState<string | undefined>()
  const submit = () => {
    const raw = value.current === '' && suggested !== undefined ? String(suggested) : value.current
    const parsed = parseTyped(param, raw)
    if ('error' in parsed) setError(parsed.error)
    else onSubmit(parsed.value)
  }
  useTerminalKeys((keys) => {
    const edit = editLine(value.current, keys)
    if (edit.value !== value.current) {
      value.current = edit.value
      setText(edit.value)
      // The message was about the text that is gone.
      setError(undefined)
    }
    if (edit.submit) submit()
  })
  const shown = param.secret ? '*'.repeat(Array.from(text).length) : text
  return (
    <Box flexDirection="column">
      <Box>
        <Label param={param} />
        {suggested !== undefined && !param.secret ? <Text dimColor> ({String(suggested)})</Text> : null}
        <Text> {shown}</Text>
      </Box>
      {error ? <Text color="red"> {error}</Text> : null}
    </Box>
  )
}

/**
 * The raw keys of each terminal read, for line editing: ink's useInput turns a read of
 * several control keys (three Backspaces at once) into one empty input, losing them.
 * Listens where useInput does (ink's stdin event emitter), with the terminal in raw mode.
 */
function useTerminalKeys(onKeys: (keys: string) => void): void {
  const {setRawMode, internal_eventEmitter: events} = useStdin()
  const handler = useRef(onKeys)
  handler.current = onKeys
  useEffect(() => {
    setRawMode(true)
    return () => setRawMode(false)
  }, [setRawMode])
  useEffect(() => {
    const listener = (data: string | Buffer) => handler.current(String(data))
    events.on('input', listener)
    return () => {
      events.removeListener('input', listener)
    }
  }, [events])
}

export function ConfirmPrompt({param, suggested, onSubmit}: PromptProps) {
  const fallback = suggested === undefined ? undefined : Boolean(suggested)
  useInput((input, key) => {
    if (/^y$/i.test(input)) onSubmit(true)
    else if (/^n$/i.test(input)) onSubmit(false)
    else if (key.return && fallback !== undefined) onSubmit(fallback)
  })
  return (
    <Box>
      <Label param={param} />
      <Text dimColor> {fallback === undefined ? '(y/n)' : fallback ? '(Y/n)' : '(y/N)'}</Text>
    </Box>
  )
}

export function SelectPrompt({param, suggested, onSubmit}: PromptProps) {
  const choices = param.choices ?? []
  const [cursor, setCursorState] = useState(Math.max(0, choices.indexOf(String(suggested))))
  const current = useRef(cursor)
  const setCursor = (next: number) => {
    current.current = next
    setCursorState(next)
  }
  useInput((_input, key) => {
    if (key.upArrow) setCursor((current.current + choices.length - 1) % choices.length)
    else if (key.downArrow) setCursor((current.current + 1) % choices.length)
    else if (key.return) onSubmit(choices[current.current]!)
  })
  return (
    <Box flexDirection="column">
      <Label param={param} />
      {choices.map((choice, i) => (
        <Text key={choice} {...(i === cursor ? {color: 'cyan'} : {})}>
          {i === cursor ? '❯ ' : '  '}
          {choice}
        </Text>
      ))}
    </Box>
  )
}

export function MultiSelectPrompt({param, suggested, onSubmit}: PromptProps) {
  const choices = param.choices ?? []
  const [cursor, setCursorState] = useState(0)
  const [selected, setSelectedState] = useState<Set<string>>(
    new Set(Array.isArray(suggested) ? suggested : []),
  )
  // Refs hold the live state: keys may arrive before React re-renders.
  const live = useRef({cursor: 0, selected})
  const setCursor = (next: number) => {
    live.current.cursor = next
    setCursorState(next)
  }
  useInput((input, key) => {
    if (key.upArrow) setCursor((live.current.cursor + choices.length - 1) % choices.length)
    else if (key.downArrow) setCursor((live.current.cursor + 1) % choices.length)
    else if (input === ' ') {
      const choice = choices[live.current.cursor]!
      const next = new Set(live.current.selected)
      if (next.has(choice)) next.delete(choice)
      else next.add(choice)
      live.current.selected = next
      setSelectedState(next)
    } else if (key.return) onSubmit(choices.filter((c) => live.current.selected.has(c)))
  })
  return (
    <Box flexDirection="column">
      <Box>
        <Label param={param} />
        <Text dimColor> (space to toggle, enter to confirm)</Text>
      </Box>
      {choices.map((choice, i) => (
        <Text key={choice} {...(i === cursor ? {color: 'cyan'} : {})}>
          {i === cursor ? '❯ ' : '  '}
          {selected.has(choice) ? '◉ ' : '◯ '}
          {choice}
        </Text>
      ))}
    </Box>
  )
}

export function ParameterPrompt(props: PromptProps) {
  switch (props.param.type) {
    case 'boolean':
      return <ConfirmPrompt {...props} />
    case 'choice':
      return <SelectPrompt {...props} />
    case 'multichoice':
      return <MultiSelectPrompt {...props} />
    default:
      return <TextPrompt {...props} />
  }
}

/** The line a prompt leaves behind once answered: `✔ port 8080`. */
export function Answered({param, value}: {param: Parameter; value: AnswerValue}) {
  const shown = param.secret ? '********' : Array.isArray(value) ? value.join(', ') : String(value)
  return (
    <Text>
      <Text color="green">✔ </Text>
      <Text bold>{param.prompt ?? param.name}</Text>
      <Text color="cyan"> {shown}</Text>
    </Text>
  )
}

/**
 * Ctrl-C at a prompt: the terminal is in raw mode, so it arrives as a key, not as SIGINT.
 * The command stops at once with exit 130 (as a shell reports SIGINT), having written nothing.
 */
export class PromptAbortedError extends MaestroError {
  static readonly code = 'ABORTED'
  constructor() {
    super('aborted (Ctrl-C): nothing was written', {
      code: PromptAbortedError.code,
      status: 499,
      exitCode: 130,
    })
  }
}

/** A prompt that also listens for Ctrl-C. */
function AbortablePrompt(props: PromptProps & {onAbort: () => void}) {
  const {onAbort, ...prompt} = props
  useInput((input, key) => {
    if (key.ctrl && input === 'c') onAbort()
  })
  return <ParameterPrompt {...prompt} />
}

/** Asks for one parameter on the terminal and resolves with the typed answer; rejects with `PromptAbortedError` on Ctrl-C. */
export async function askParameter(
  param: Parameter,
  suggested: AnswerValue | undefined,
): Promise<AnswerValue> {
  const {render} = await import('ink')
  return new Promise((resolve, reject) => {
    const instance = render(
      <AbortablePrompt
        param={param}
        suggested={suggested}
        onSubmit={(value) => {
          // Leave the answer on screen, not the question.
          instance.rerender(<Answered param={param} value={value} />)
          setImmediate(() => {
            instance.unmount()
            resolve(value)
          })
        }}
        onAbort={() => {
          instance.unmount()
          reject(new PromptAbortedError())
        }}
      />,
      // ink's own handling only unmounts, leaving this promise pending and the command hanging.
      {exitOnCtrlC: false},
    )
  })
}
