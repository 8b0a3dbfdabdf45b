import Image from "next/image";

import { CopyCommand } from "@/components/CopyCommand";
{%- if styling == 'tailwind' %}

const styles = {
  main: "mx-auto flex min-h-screen max-w-3xl flex-col gap-10 px-6 py-16",
  hero: "flex items-center gap-5",
  title: "text-4xl font-semibold tracking-tight",
  lead: "mt-1 text-lg text-muted",
  steps: "grid gap-4 sm:grid-cols-3",
  card: "rounded-lg border border-zinc-200 bg-surface-muted p-5 dark:border-zinc-800",
  cardTitle: "mb-2 text-base font-semibold",
  cardBody: "text-sm text-muted",
  footer: "mt-auto text-sm text-muted",
} as const;
{%- else %}
import styles from "./page.module.css";
{%- endif %}

const SITE_TITLE = {{ site_title | json }};

const NEXT_STEPS = [
  {
    title: "Edit this page",
    body: "src/app/page.tsx is a Server Component: read data here directly, nothing ships to the browser unless it must.",
  },
  {
    title: "Add a route",
    body: "Each folder under src/app is a URL segment; add a page.tsx inside it to publish the route.",
  },
  {
    title: "Keep it green",
    body: "Run lint, typecheck{% if features contains 'vitest' %}, the tests{% endif %} and a production build before every merge.",
  },
];

export default function HomePage() {
  return (
    <main className={styles.main}>
      <header className={styles.hero}>
        <Image src="/logo.svg" alt="" width={72} height={72} priority />
        <div>
          <h1 className={styles.title}>{SITE_TITLE}</h1>
          <p className={styles.lead}>A Next.js App Router project, ready to build on.</p>
        </div>
      </header>

      <CopyCommand command="npm run dev" />

      <section aria-labelledby="next-steps" className={styles.steps}>
        <h2 id="next-steps" className="sr-only">
          Next steps
        </h2>
        {NEXT_STEPS.map((step) => (
          <article key={step.title} className={styles.card}>
            <h3 className={styles.cardTitle}>{step.title}</h3>
            <p className={styles.cardBody}>{step.body}</p>
          </article>
        ))}
      </section>

      <footer className={styles.footer}>
{%- if features contains 'health-api' %}
        <a href="/api/health">Health check</a>
        {" · "}
{%- endif %}
        <a href="https://nextjs.org/docs/app">Next.js documentation</a>
      </footer>
    </main>
  );
}
