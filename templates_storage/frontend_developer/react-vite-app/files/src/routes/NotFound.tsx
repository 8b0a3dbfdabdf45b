import {Link, useLocation} from 'react-router'

export function NotFound() {
  const {pathname} = useLocation()
  return (
    <section aria-labelledby="not-found-title"{% if styling == 'tailwind' %} className="space-y-4"{% endif %}>
{%- if styling == 'tailwind' %}
      <h1 id="not-found-title" className="text-3xl font-bold">
        Page not found
      </h1>
{%- else %}
      <h1 id="not-found-title">Page not found</h1>
{%- endif %}
      <p>
        Nothing lives at <code>{pathname}</code>. <Link to="/">Go to the home page</Link>.
      </p>
    </section>
  )
}
