export interface AuthorRow {
  id: string
  name: string
}
export interface BookRow {
  id: string
  title: string
  authorId: string
}

const authors: AuthorRow[] = [
  {id: 'a1', name: 'Ursula K. Le Guin'},
  {id: 'a2', name: 'Octavia E. Butler'},
]
const books: BookRow[] = [
  {id: 'b1', title: 'The Dispossessed', authorId: 'a1'},
  {id: 'b2', title: 'Kindred', authorId: 'a2'},
  {id: 'b3', title: 'The Left Hand of Darkness', authorId: 'a1'},
]

/** Stand-in for the database: counts round trips so tests can prove batching. */
export const db = {
  roundTrips: 0,
  async authorsByIds(ids: readonly string[]): Promise<AuthorRow[]> {
    db.roundTrips++
    return authors.filter((a) => ids.includes(a.id))
  },
  async books(): Promise<BookRow[]> {
    db.roundTrips++
    return books
  },
  async booksByAuthor(authorId: string): Promise<BookRow[]> {
    db.roundTrips++
    return books.filter((b) => b.authorId === authorId)
  },
}
