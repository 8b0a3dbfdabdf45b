/**
 * Line editing for text prompts, as a shell's line editor does it (readline's defaults):
 * Backspace (DEL or ^H) deletes a character, Ctrl-U the whole line, Ctrl-W the word before
 * the cursor (and the blanks after it), Enter submits. Works on the raw bytes a terminal
 * sends, since several keys may arrive in one read (three Backspaces held down, a paste).
 */

export interface LineEdit {
  /** The line after the keys. */
  value: string
  /** Enter was among the keys (what followed it is dropped). */
  submit: boolean
}

/**
 * Applies the keys of one terminal read to `value`. Escape sequences (arrows, function
 * keys) and other control characters are ignored: the cursor stays at the end of the line.
 *
 * @example
 * ```ts
 * editLine('billing-api', '\x7f\x7f\x7f') // {value: 'billing-', submit: false}
 * editLine('my billing api', '\x17')       // {value: 'my billing ', submit: false}
 * editLine('anything', '\x15new\r')        // {value: 'new', submit: true}
 * ```
 */
export function editLine(value: string, keys: string): LineEdit {
  // By code point, so a Backspace removes a whole emoji or accented letter.
  const chars = Array.from(value)
  const input = Array.from(keys)
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (c === '\r' || c === '\n') return {value: chars.join(''), submit: true}
    if (c === '\x7f' || c === '\b') chars.pop()
    else if (c === '\x15') chars.length = 0
    else if (c === '\x17') {
      while (chars.length > 0 && /\s/u.test(chars[chars.length - 1]!)) chars.pop()
      while (chars.length > 0 && !/\s/u.test(chars[chars.length - 1]!)) chars.pop()
    } else if (c === '\x1b') i = skipEscape(input, i)
    else if (!/\p{Cc}/u.test(c)) chars.push(c)
  }
  return {value: chars.join(''), submit: false}
}

/** The index of the last character of the escape sequence starting at `start` (CSI `ESC [ ... final`, SS3 `ESC O x`, or `ESC x`). */
function skipEscape(input: string[], start: number): number {
  const next = input[start + 1]
  if (next === '[') {
    let i = start + 2
    // Parameter and intermediate bytes, then one final byte (@ to ~).
    while (i < input.length && !/[@-~]/.test(input[i]!)) i++
    return i
  }
  if (next === 'O') return Math.min(start + 2, input.length - 1)
  return next === undefined ? start : start + 1
}
