import {render, screen} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import {beforeEach, describe, expect, it} from 'vitest'
import {ThemeToggle} from './ThemeToggle'

describe('ThemeToggle', () => {
  beforeEach(() => {
    localStorage.clear()
    delete document.documentElement.dataset.theme
  })

  it('toggles the theme and remembers the choice', async () => {
    const user = userEvent.setup()
    render(<ThemeToggle />)
    expect(document.documentElement.dataset.theme).toBe('light')

    await user.click(screen.getByRole('button', {name: 'Switch to dark theme'}))

    expect(document.documentElement.dataset.theme).toBe('dark')
    expect(screen.getByRole('button', {name: 'Switch to light theme'})).toBeInTheDocument()
    expect(localStorage.getItem('theme')).toBe('"dark"')
  })

  it('restores the stored theme', () => {
    localStorage.setItem('theme', '"dark"')
    render(<ThemeToggle />)
    expect(document.documentElement.dataset.theme).toBe('dark')
  })
})
