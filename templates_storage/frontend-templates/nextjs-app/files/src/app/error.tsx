"use client";

import { useEffect } from "react";

// Error boundary for every route below the root layout. It must be a Client Component;
// Next.js passes the error (with a digest that matches the server log entry) and reset().
export default function RouteError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    // Report to your error tracker here (Sentry, OpenTelemetry, ...).
    console.error(error);
  }, [error]);

  return (
    <main className="status-page">
      <h1>Something went wrong</h1>
      <p>
        The page could not be displayed.
        {error.digest ? ` Reference: ${error.digest}.` : null}
      </p>
      <button type="button" className="button" onClick={() => reset()}>
        Try again
      </button>
    </main>
  );
}
