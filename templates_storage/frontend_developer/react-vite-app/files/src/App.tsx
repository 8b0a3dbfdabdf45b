{% if use_router -%}
import {NavLink, Outlet} from 'react-router'
{% endif -%}
{% if styling == 'css-modules' -%}
import styles from './App.module.css'
{% endif -%}
import {ThemeToggle} from './components/ThemeToggle'

{%- if styling == 'tailwind' %}

const linkClass = ({isActive}: {isActive: boolean}) =>
  isActive
    ? 'font-semibold text-blue-700 dark:text-blue-400'
    : 'text-slate-600 hover:underline dark:text-slate-300'
{%- endif %}

export default function App() {
  return (
{%- if styling == 'tailwind' %}
    <div className="mx-auto flex min-h-screen max-w-4xl flex-col px-4">
      <header className="flex items-center justify-between gap-4 border-b border-slate-200 py-4 dark:border-slate-700">
        <span className="text-lg font-bold">{{ title | escape }}</span>
{%- if use_router %}
        <nav aria-label="Main" className="flex gap-4">
          <NavLink to="/" end className={linkClass}>
            Home
          </NavLink>
          <NavLink to="/about" className={linkClass}>
            About
          </NavLink>
        </nav>
{%- endif %}
        <ThemeToggle />
      </header>
      <main className="flex-1 py-8">
{%- if use_router %}
        <Outlet />
{%- else %}
        <h1 className="mb-4 text-3xl font-bold">{{ title | escape }}</h1>
        <p>
          Edit <code>src/App.tsx</code> and save: Vite updates the page without losing state.
        </p>
{%- endif %}
      </main>
      <footer className="border-t border-slate-200 py-4 text-sm text-slate-500 dark:border-slate-700">
        {{ title | escape }}
      </footer>
    </div>
{%- else %}
    <div className={styles.shell}>
      <header className={styles.header}>
        <span className={styles.brand}>{{ title | escape }}</span>
{%- if use_router %}
        <nav aria-label="Main" className={styles.nav}>
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/about">About</NavLink>
        </nav>
{%- endif %}
        <ThemeToggle />
      </header>
      <main className={styles.main}>
{%- if use_router %}
        <Outlet />
{%- else %}
        <h1>{{ title | escape }}</h1>
        <p>
          Edit <code>src/App.tsx</code> and save: Vite updates the page without losing state.
        </p>
{%- endif %}
      </main>
      <footer className={styles.footer}>{{ title | escape }}</footer>
    </div>
{%- endif %}
  )
}
