/**
 * Objects keyed by names a template or a request chose (file paths, parameter and answer
 * names). On a plain `{}`, `out['__proto__'] = x` changes the prototype instead of adding
 * a key, and `out['constructor']` reads `Object` before anything was set: these helpers
 * make such names ordinary keys.
 */

/**
 * An empty object without a prototype: every key is its own, none is inherited.
 *
 * @example
 * ```ts
 * const files = ownRecord<string>()
 * files['__proto__'] = 'kept' // an ordinary key
 * JSON.stringify(files) // '{"__proto__":"kept"}'
 * ```
 */
export function ownRecord<T = unknown>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}

/**
 * `record[key]` when `record` holds `key` itself; never a value inherited from
 * `Object.prototype` (`constructor`, `toString`...).
 *
 * @example
 * ```ts
 * ownValue({}, 'constructor') // undefined
 * ```
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined
}
