import {useCallback, useEffect, useState} from 'react'

/**
 * State that survives reloads: read once from localStorage, written back on every change.
 * Storage failures (private mode, quota, corrupted JSON) fall back to in-memory state.
 */
export function useLocalStorage<T>(key: string, initialValue: T) {
  const [value, setValue] = useState<T>(() => {
    try {
      const stored = window.localStorage.getItem(key)
      return stored === null ? initialValue : (JSON.parse(stored) as T)
    } catch {
      return initialValue
    }
  })

  useEffect(() => {
    try {
      window.localStorage.setItem(key, JSON.stringify(value))
    } catch {
      // Storage unavailable: the value still lives in React state for this session.
    }
  }, [key, value])

  const update = useCallback((next: T | ((previous: T) => T)) => {
    setValue((previous) => (next instanceof Function ? next(previous) : next))
  }, [])

  return [value, update] as const
}
