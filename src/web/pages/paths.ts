/** The catalog's URLs for a template, in one place. */

/** `/templates/public/fastapi-service`, with `@version` when one is pinned. */
export function templatePath(namespace: string, name: string, version?: string): string {
  const ref = version ? `${name}@${version}` : name
  return `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(ref).replace(/%40/g, '@')}`
}
