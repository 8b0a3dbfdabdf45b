/**
 * Query-string codec: encode a flat record to `a=1&b=x%20y` and back. Round-trip properties
 * find the escaping bugs hand-written examples miss (`&`, `=`, `%`, `+`, emoji, empty keys).
 */
export type Query = Record<string, string>

export function encode(query: Query): string {
  return Object.entries(query)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&')
}

export function decode(text: string): Query {
  const query: Query = {}
  if (text === '') return query
  for (const pair of text.split('&')) {
    const at = pair.indexOf('=')
    if (at < 0) throw new Error(`not a key=value pair: ${pair}`)
    query[decodeURIComponent(pair.slice(0, at))] = decodeURIComponent(pair.slice(at + 1))
  }
  return query
}
