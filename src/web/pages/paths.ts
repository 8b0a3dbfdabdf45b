/** The catalog's URLs for a template, in one place. */

/** `/templates/public/fastapi-service`, with `@version` when one is pinned. */
export function templatePath(namespace: string, name: string, version?: string): string {
  const ref = version ? `${name}@${version}` : name
  return `/templates/${encodeURIComponent(namespace)}/${encodeURIComponent(ref).replace(/%40/g, '@')}`
}

/** `/workflows/public/python-service`. */
export function workflowPath(namespace: string, name: string): string {
  return `/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`
}

/** An execution's page; its event stream and result are under it. */
export function executionPath(id: string): string {
  return `/executions/${encodeURIComponent(id)}`
}
