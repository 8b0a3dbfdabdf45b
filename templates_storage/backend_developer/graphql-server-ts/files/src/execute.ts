import {GraphQLError, type DocumentNode, execute, Kind, parse, type SelectionSetNode, validate} from 'graphql'

import {type AuthorRow, type BookRow, db} from './data.js'
import {BatchLoader} from './loader.js'
import {schema} from './schema.js'

export const MAX_DEPTH = {{ max_depth }}

function depth(set: SelectionSetNode | undefined, level = 0): number {
  if (!set) return level
  return Math.max(
    level,
    ...set.selections.map((s) => (s.kind === Kind.FIELD ? depth(s.selectionSet, level + 1) : level)),
  )
}

function tooDeep(doc: DocumentNode): GraphQLError | undefined {
  for (const def of doc.definitions) {
    if (def.kind === Kind.OPERATION_DEFINITION && depth(def.selectionSet) > MAX_DEPTH) {
      return new GraphQLError(`query is nested deeper than ${MAX_DEPTH} levels`)
    }
  }
  return undefined
}

const rootValue = {
  books: () => db.books(),
  book: async ({id}: {id: string}) => (await db.books()).find((b) => b.id === id) ?? null,
}

/** Runs one request: parse, validate, limit depth, execute with request-scoped loaders. */
export async function run(query: string, variables?: Record<string, unknown>) {
  let document: DocumentNode
  try {
    document = parse(query)
  } catch (err) {
    return {errors: [{message: (err as GraphQLError).message}]}
  }
  const errors = [...validate(schema, document)]
  const deep = tooDeep(document)
  if (deep) errors.push(deep)
  if (errors.length > 0) return {errors: errors.map((e) => ({message: e.message}))}

  const authors = new BatchLoader<string, AuthorRow>((ids) => db.authorsByIds(ids), (a) => a.id)
  const result = await execute({
    schema,
    document,
    rootValue,
    variableValues: variables ?? null,
    contextValue: {authors},
    fieldResolver: (source, args, context: {authors: typeof authors}, info) => {
      if (info.parentType.name === 'Book' && info.fieldName === 'author') {
        return context.authors.load((source as BookRow).authorId)
      }
      if (info.parentType.name === 'Author' && info.fieldName === 'books') {
        return db.booksByAuthor((source as AuthorRow).id)
      }
      const value = (source as Record<string, unknown>)[info.fieldName]
      return typeof value === 'function' ? value(args, context, info) : value
    },
  })
{%- if mask_errors %}
  // Resolver failures may hold internals (SQL, hosts): clients get a generic message.
  if (result.errors) {
    for (const e of result.errors) console.error(e.originalError ?? e)
    return {...result, errors: result.errors.map((e) => ({message: 'internal error', path: e.path}))}
  }
{%- endif %}
  return result
}
