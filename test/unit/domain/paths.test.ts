import {describe, expect, it} from 'vitest'

import {UnsafePathError} from '../../../src/domain/errors.js'
import {assertSafeRelativePath, isBinary} from '../../../src/domain/paths.js'

function reasonFor(path: string): string {
  try {
    assertSafeRelativePath(path)
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafePathError)
    return String((err as UnsafePathError).data.reason)
  }
  throw new Error(`${JSON.stringify(path)} was accepted`)
}

describe('assertSafeRelativePath', () => {
  it('returns ordinary relative paths unchanged', () => {
    expect(assertSafeRelativePath('src/app.py')).toBe('src/app.py')
    expect(assertSafeRelativePath('.github/workflows/ci.yml')).toBe('.github/workflows/ci.yml')
    expect(assertSafeRelativePath('files/{{ name }}/..hidden')).toBe('files/{{ name }}/..hidden')
    expect(assertSafeRelativePath('docs/résumé.md')).toBe('docs/résumé.md')
  })

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'is absolute'],
    ['//server/share', 'is absolute'],
    ['C:\\Windows', 'backslash'],
    ['C:/Windows', 'drive letter'],
    ['c:file', 'drive letter'],
    ['a\\b', 'backslash'],
    ['a\0b', 'NUL'],
    ['a\nb', 'control character'],
    ['a\x1bb', 'control character'],
    ['../x', '".." segment'],
    ['a/../../x', '".." segment'],
    ['a/..', '".." segment'],
    ['./a', '"." segment'],
    ['a/./b', '"." segment'],
    ['a//b', 'empty segment'],
    ['a/', 'empty segment'],
    ['.git/config', '.git'],
    ['sub/.GIT/hooks/pre-commit', '.git'],
    ['.Git', '.git'],
    ['.git./config', '.git'],
    ['.git /config', '.git'],
    [`${'x'.repeat(256)}`, 'longer than 255 bytes'],
    [`a/${'é'.repeat(128)}`, 'longer than 255 bytes'],
  ])('refuses %j (%s)', (path, reason) => {
    expect(reasonFor(path)).toContain(reason)
  })

  it('accepts a segment of exactly 255 bytes', () => {
    expect(assertSafeRelativePath('x'.repeat(255))).toHaveLength(255)
  })

  it('names what was checked in the error', () => {
    expect(() => assertSafeRelativePath('../x', 'rendered path')).toThrow(
      /rendered path has a "\.\." segment/,
    )
  })
})

describe('isBinary', () => {
  it('treats UTF-8 text as text', () => {
    expect(isBinary(new TextEncoder().encode('héllo {{ name }}\n'))).toBe(false)
    expect(isBinary(new Uint8Array())).toBe(false)
  })

  it('treats a NUL byte in the first 8000 bytes as binary', () => {
    expect(isBinary(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00))).toBe(true)
  })

  it('treats invalid UTF-8 as binary even without NUL', () => {
    expect(isBinary(Uint8Array.of(0x68, 0xff, 0xfe, 0x69))).toBe(true)
  })

  it('only looks for NUL in the first 8000 bytes, like git', () => {
    const bytes = new Uint8Array(9000).fill(0x61)
    bytes[8500] = 0
    expect(isBinary(bytes)).toBe(false)
  })
})
