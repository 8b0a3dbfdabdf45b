/// <reference types="vitest/config" />
{%- if styling == 'tailwind' %}
import tailwindcss from '@tailwindcss/vite'
{%- endif %}
import react from '@vitejs/plugin-react'
import {defineConfig} from 'vite'

// https://vite.dev/config/ and https://vitest.dev/config/
export default defineConfig({
  plugins: [react(){% if styling == 'tailwind' %}, tailwindcss(){% endif %}],
  server: {
    port: {{ dev_port }},
    strictPort: true,
{%- if include_api_client %}{% unless api_base_url contains '://' %}
    // Forward API calls to the backend in development, so the browser sees one origin.
    proxy: {
      '{{ api_base_url }}': {target: 'http://localhost:8000', changeOrigin: true},
    },
{%- endunless %}{% endif %}
  },
  build: {
    sourcemap: true,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.{ts,tsx}'],
      exclude: ['src/main.tsx', 'src/test/**', 'src/**/*.test.{ts,tsx}'],
    },
  },
})
