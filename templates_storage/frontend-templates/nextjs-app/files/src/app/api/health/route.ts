// Liveness endpoint for load balancers, uptime monitors and the Docker HEALTHCHECK.
// Route handlers are not cached by default, so every request gets a fresh answer.
const startedAt = Date.now();

export function GET(): Response {
  return Response.json(
    {
      status: "ok",
      service: "{{ project_name }}",
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      timestamp: new Date().toISOString(),
    },
    { headers: { "Cache-Control": "no-store" } },
  );
}
