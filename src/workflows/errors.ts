import {MaestroError} from '../domain/errors.js'

/** A gate step's condition or quality bar did not hold. */
export class GateFailedError extends MaestroError {
  static readonly code = 'WORKFLOW_GATE_FAILED'
  constructor(step: string, reason: string) {
    super(`gate ${step} failed: ${reason}`, {code: GateFailedError.code, status: 422, data: {step}})
  }
}

/** A step's inputs are wrong once evaluated (a path outside the workspace, a value of the wrong type). */
export class StepInputError extends MaestroError {
  static readonly code = 'WORKFLOW_STEP_INPUT'
  constructor(step: string, message: string) {
    super(`step ${step}: ${message}`, {code: StepInputError.code, status: 422, data: {step}})
  }
}

/** The execution was cancelled while it ran. */
export class ExecutionCancelledError extends MaestroError {
  static readonly code = 'EXECUTION_CANCELLED'
  constructor(id: string) {
    super(`execution ${id} was cancelled`, {code: ExecutionCancelledError.code, status: 409, data: {id}})
  }
}

/** An execution is not in a state that allows the request (retry of a running one, result of a failed one). */
export class ExecutionStateError extends MaestroError {
  static readonly code = 'EXECUTION_STATE'
  constructor(message: string, data: Record<string, unknown> = {}) {
    super(message, {code: ExecutionStateError.code, status: 409, data})
  }
}
