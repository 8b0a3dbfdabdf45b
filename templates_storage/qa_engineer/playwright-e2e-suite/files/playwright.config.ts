{%- assign projects = browsers -%}
{%- if projects.size == 0 -%}{%- assign projects = 'chromium' | split: ',' -%}{%- endif -%}
import { defineConfig, devices } from '@playwright/test'
import { BASE_URL{% if use_auth_setup %}, STORAGE_STATE{% endif %} } from './tests/support/env'

const CI = Boolean(process.env.CI)

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? {{ ci_retries }} : 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  // Sharded CI jobs write blob reports that the workflow merges into one HTML report.
  reporter: CI ? [['blob'], ['github']] : [['list'], ['html', { open: 'on-failure' }]],
  use: {
    baseURL: BASE_URL,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    video: 'retain-on-failure',
    testIdAttribute: 'data-testid',
  },
  projects: [
{%- if use_auth_setup %}
    { name: 'setup', testMatch: /.*\.setup\.ts/ },
{%- endif %}
{%- for project in projects %}
{%- case project %}
  {%- when 'chromium' %}{% assign device = 'Desktop Chrome' %}
  {%- when 'firefox' %}{% assign device = 'Desktop Firefox' %}
  {%- when 'webkit' %}{% assign device = 'Desktop Safari' %}
  {%- when 'mobile-chrome' %}{% assign device = 'Pixel 5' %}
  {%- else %}{% assign device = 'iPhone 13' %}
{%- endcase %}
    {
      name: '{{ project }}',
{%- if use_auth_setup %}
      use: { ...devices['{{ device }}'], storageState: STORAGE_STATE },
      dependencies: ['setup'],
{%- else %}
      use: { ...devices['{{ device }}'] },
{%- endif %}
    },
{%- endfor %}
  ],
{%- if web_server_command != '' %}
  webServer: {
    command: {{ web_server_command | json }},
    url: BASE_URL,
    reuseExistingServer: !CI,
    timeout: 120_000,
  },
{%- endif %}
})
