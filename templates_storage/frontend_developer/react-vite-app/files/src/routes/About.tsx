export function About() {
  return (
    <section aria-labelledby="about-title"{% if styling == 'tailwind' %} className="space-y-4"{% endif %}>
{%- if styling == 'tailwind' %}
      <h1 id="about-title" className="text-3xl font-bold">
        About
      </h1>
{%- else %}
      <h1 id="about-title">About</h1>
{%- endif %}
      <p>
        Built with React, TypeScript and Vite. Routes are declared in{' '}
        <code>src/routes/routes.tsx</code>.
      </p>
    </section>
  )
}
