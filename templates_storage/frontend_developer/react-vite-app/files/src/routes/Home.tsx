export function Home() {
  return (
    <section aria-labelledby="home-title"{% if styling == 'tailwind' %} className="space-y-4"{% endif %}>
{%- if styling == 'tailwind' %}
      <h1 id="home-title" className="text-3xl font-bold">
        {{ title | escape }}
      </h1>
{%- else %}
      <h1 id="home-title">{{ title | escape }}</h1>
{%- endif %}
      <p>
        Edit <code>src/routes/Home.tsx</code> and save: Vite updates the page without losing state.
      </p>
    </section>
  )
}
