import {act, renderHook} from '@testing-library/react'
import {beforeEach, describe, expect, it} from 'vitest'
import {useLocalStorage} from './useLocalStorage'

describe('useLocalStorage', () => {
  beforeEach(() => localStorage.clear())

  it('returns the initial value when nothing is stored', () => {
    const {result} = renderHook(() => useLocalStorage('count', 1))
    expect(result.current[0]).toBe(1)
  })

  it('persists updates, including functional ones', () => {
    const {result} = renderHook(() => useLocalStorage('count', 1))
    act(() => result.current[1]((n) => n + 41))
    expect(result.current[0]).toBe(42)
    expect(localStorage.getItem('count')).toBe('42')
  })

  it('reads a previously stored value', () => {
    localStorage.setItem('user', JSON.stringify({name: 'Ada'}))
    const {result} = renderHook(() => useLocalStorage('user', {name: 'nobody'}))
    expect(result.current[0]).toEqual({name: 'Ada'})
  })

  it('falls back to the initial value when stored JSON is corrupted', () => {
    localStorage.setItem('count', '{not json')
    const {result} = renderHook(() => useLocalStorage('count', 7))
    expect(result.current[0]).toBe(7)
  })
})
