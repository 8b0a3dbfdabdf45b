import type { NextConfig } from "next";

// Sent on every response. Add a Content-Security-Policy once you know which origins
// (analytics, fonts, APIs) the site loads from; see https://nextjs.org/docs/app/guides/content-security-policy
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), browsing-topics=()" },
  { key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // Do not advertise the framework in an X-Powered-By header.
  poweredByHeader: false,
{%- if features contains 'docker' %}
  // Emits .next/standalone: a minimal server.js with only the node_modules it needs.
  // The Dockerfile copies it (plus public/ and .next/static) into the runtime image.
  output: "standalone",
{%- endif %}
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
