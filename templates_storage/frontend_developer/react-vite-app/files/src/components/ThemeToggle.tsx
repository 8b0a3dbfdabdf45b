import {useEffect} from 'react'
import {useLocalStorage} from '../hooks/useLocalStorage'
{%- if styling == 'css-modules' %}
import styles from './ThemeToggle.module.css'
{%- endif %}

export type Theme = 'light' | 'dark'

function preferredTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

/** Switches between light and dark themes; the choice is remembered across visits. */
export function ThemeToggle() {
  const [theme, setTheme] = useLocalStorage<Theme>('theme', preferredTheme())

  useEffect(() => {
    document.documentElement.dataset.theme = theme
  }, [theme])

  const next: Theme = theme === 'light' ? 'dark' : 'light'
  return (
    <button
      type="button"
{%- if styling == 'tailwind' %}
      className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
{%- else %}
      className={styles.toggle}
{%- endif %}
      aria-label={`Switch to ${next} theme`}
      onClick={() => setTheme(next)}
    >
      {theme === 'light' ? 'Dark mode' : 'Light mode'}
    </button>
  )
}
