/**
 * Types of workflows: the definition (`workflow.yaml`), executions and their steps.
 * The format is described in docs/workflow-format.md.
 */
import type {AnswerValue, Parameter} from './types.js'

/** The closed set of actions a step may use: no user code, no network. */
export const ACTIONS = ['template', 'file', 'merge', 'gate', 'git'] as const
export type ActionName = (typeof ACTIONS)[number]

/** One step of a workflow, as written in workflow.yaml. */
export interface StepDefinition {
  id: string
  name?: string
  uses: ActionName
  /** A Liquid condition (`parameters.with_ci`, `{{ parameters.db != "none" }}`); the step is skipped when false. */
  if?: string
  /** The action's inputs; strings are Liquid expressions over the execution's scope. */
  with: Record<string, unknown>
}

/** A parsed, validated workflow.yaml. */
export interface WorkflowDefinition {
  name: string
  version: string
  description: string
  author: string
  tags: string[]
  license?: string
  /** The template parameter schema: the questions asked before anything runs. */
  parameters: Parameter[]
  steps: StepDefinition[]
  /** Outputs of the whole execution: name → expression. */
  outputs: Record<string, unknown>
}

/** A workflow folder read into memory: workflow.yaml, README.md, examples/. */
export interface LoadedWorkflow {
  definition: WorkflowDefinition
  files: Map<string, Uint8Array>
  readme: string
}

export const EXECUTION_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export type ExecutionState = (typeof EXECUTION_STATES)[number]
export const STEP_STATES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const
export type StepState = (typeof STEP_STATES)[number]

/** Answers of a workflow's parameters. */
export type WorkflowAnswers = Record<string, AnswerValue>

/** One log line of a step (secret values already redacted). */
export interface LogLine {
  at: string
  level: 'info' | 'warn' | 'error'
  message: string
}

export interface StepRecord {
  id: string
  name: string
  uses: ActionName
  state: StepState
  attempts: number
  started_at: string | null
  finished_at: string | null
  outputs: Record<string, unknown> | null
  error: {code: string; message: string} | null
  logs: LogLine[]
}

export interface ExecutionRecord {
  id: string
  tenant: string
  workflow_id: string
  workflow: string
  version: string
  state: ExecutionState
  /** Non-secret answers; secret parameters appear as `"[secret]"`. */
  parameters: WorkflowAnswers
  outputs: Record<string, unknown> | null
  error: {code: string; message: string; step?: string} | null
  created_by: string
  created_at: string
  started_at: string | null
  finished_at: string | null
  cancel_requested: boolean
  /** Files in the result (when it is stored) and its size in bytes. */
  result: {files: number; bytes: number; expires_at: string} | null
  steps: StepRecord[]
}

/** One event of an execution, as served over server-sent events. */
export interface ExecutionEvent {
  /** Increasing per execution: the SSE id a client resumes from. */
  seq: number
  type: 'execution' | 'step' | 'log'
  data: Record<string, unknown>
  at: string
}
