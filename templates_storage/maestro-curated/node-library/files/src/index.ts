/**
 * {{ package_name }}: {{ description }}
 *
 * @packageDocumentation
 */
export {createLimiter, type Limiter} from './limit.js'
export {backoffDelay, retry, type RetryOptions} from './retry.js'
export {sleep} from './sleep.js'
export {TimeoutError, withTimeout} from './timeout.js'
