/// <reference types="vite/client" />
{%- if include_api_client %}

interface ImportMetaEnv {
  /** Overrides the API base URL baked in at build time ({{ api_base_url }}). */
  readonly VITE_API_BASE_URL?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
{%- endif %}
