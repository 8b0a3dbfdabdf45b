// Cucumber.js profiles: `npx cucumber-js --profile NAME`. The default one runs everything
// except work in progress; CI runs it.
const common = {
  paths: ['features/**/*.feature'],
  import: ['features/support/**/*.js', 'features/step_definitions/**/*.js'],
  // Undefined or pending steps fail the run instead of passing quietly.
  strict: true,
  format: [
    'progress-bar',
{%- if reports contains 'html' %}
    'html:reports/cucumber.html',
{%- endif %}
{%- if reports contains 'junit' %}
    'junit:reports/cucumber.xml',
{%- endif %}
{%- if reports contains 'json' %}
    'json:reports/cucumber.json',
{%- endif %}
{%- if reports contains 'message' %}
    'message:reports/cucumber.ndjson',
{%- endif %}
  ],
  formatOptions: { snippetInterface: 'synchronous' },
}

export default {
  ...common,
  tags: 'not @wip',
{%- if parallel > 0 %}
  parallel: {{ parallel }},
{%- endif %}
{%- if flaky_retries > 0 %}
  // Only scenarios tagged @flaky get retries: a retry elsewhere would hide a real failure.
  retry: {{ flaky_retries }},
  retryTagFilter: '@flaky',
{%- endif %}
}

export const smoke = { ...common, tags: '@smoke and not @wip' }

export const wip = { ...common, tags: '@wip', strict: false }
