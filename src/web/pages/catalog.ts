/**
 * The catalog: a search form (words, category with counts, tag, author, minimum score,
 * sort) that works as a plain GET form and, with the script, searches as you type by
 * fetching the page for the new query and swapping in its results and counts.
 */
import {isCategory} from '../../domain/types.js'
import type {Category} from '../../domain/types.js'
import {SEARCH_SORTS} from '../../registry/types.js'
import type {SearchResult, SearchSort} from '../../registry/types.js'
import {attr, html} from '../html.js'
import type {Html} from '../html.js'
import {templatePath} from './paths.js'

/** Templates on one page of results. */
export const PAGE_SIZE = 24

export interface CatalogQuery {
  q: string
  category: Category | ''
  tag: string
  author: string
  minScore: number | undefined
  sort: SearchSort | ''
  page: number
}

/** Query values as express gives them with the simple parser. */
type Raw = Record<string, unknown>

function text(raw: Raw, name: string, max = 200): string {
  const value = raw[name]
  const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value
  return typeof first === 'string' ? first.trim().slice(0, max) : ''
}

function category(value: string): Category | '' {
  return isCategory(value) ? value : ''
}

/**
 * The catalog's query string, read leniently: a page of a catalog is a link people
 * share and edit, so a value out of range is dropped rather than refused.
 */
export function readCatalogQuery(raw: Raw): CatalogQuery {
  const score = Number(text(raw, 'min_score'))
  const sort = text(raw, 'sort')
  const page = Number(text(raw, 'page'))
  return {
    q: text(raw, 'q', 500),
    category: category(text(raw, 'category', 100)),
    tag: text(raw, 'tag', 100),
    author: text(raw, 'author'),
    minScore:
      text(raw, 'min_score') !== '' && Number.isInteger(score) && score >= 0 && score <= 100
        ? score
        : undefined,
    sort: (SEARCH_SORTS as readonly string[]).includes(sort) ? (sort as SearchSort) : '',
    page: Number.isSafeInteger(page) && page >= 1 && page <= 10_000 ? page : 1,
  }
}

/** The catalog URL for a query (empty values left out). */
export function catalogHref(q: CatalogQuery, change: Partial<CatalogQuery> = {}): string {
  const merged = {...q, ...change}
  const params = new URLSearchParams()
  if (merged.q) params.set('q', merged.q)
  if (merged.category) params.set('category', merged.category)
  if (merged.tag) params.set('tag', merged.tag)
  if (merged.author) params.set('author', merged.author)
  if (merged.minScore !== undefined) params.set('min_score', String(merged.minScore))
  if (merged.sort) params.set('sort', merged.sort)
  if (merged.page > 1) params.set('page', String(merged.page))
  const query = params.toString()
  return query ? `/?${query}` : '/'
}

const SORT_LABELS: Record<SearchSort, string> = {
  relevance: 'Best match',
  name: 'Name',
  usage: 'Most used',
  score: 'Highest score',
  updated: 'Recently updated',
}

/** Category names as written in manifests, shown with spaces. */
export function categoryLabel(category: string): string {
  return category.replace(/[_-]+/g, ' ')
}

export function scoreBadge(score: number | null): Html {
  if (score === null) return html`<span class="score none">not scored</span>`
  const level = score >= 85 ? 'high' : score >= 70 ? 'mid' : 'low'
  return html`<span class="score ${level}">score ${score}</span>`
}

function card(item: SearchResult['items'][number] & {usage_count?: number}): Html {
  const id = `t-${item.id}`
  return html`<li class="card">
    <article aria-labelledby="${id}">
      <h3 id="${id}"><a href="${templatePath(item.namespace, item.name)}">${item.name}</a></h3>
      <p class="desc">${item.description}</p>
      <p class="meta">
        ${scoreBadge(item.quality_score)}
        <span>v${item.version}</span>
        ${item.usage_count === undefined ? '' : html`<span>${item.usage_count} ${item.usage_count === 1 ? 'use' : 'uses'}</span>`}
        <span>${categoryLabel(item.category)}</span>
        <span>by ${item.author}</span>
        ${item.namespace === 'public' ? '' : html`<span class="ns">${item.namespace}</span>`}
      </p>
      <ul class="tags" aria-label="Tags">
        ${item.tags.map((tag) => html`<li><a href="/?tag=${encodeURIComponent(tag)}">${tag}</a></li>`)}
      </ul>
    </article>
  </li>`
}

/** The part of the page the script swaps while you type: count, cards, paging. */
function resultsFragment(q: CatalogQuery, result: SearchResult): Html {
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE))
  const count = `${result.total}${result.total_exact ? '' : '+'} ${result.total === 1 ? 'template' : 'templates'}`
  return html`<p class="count" id="result-count" role="status">
      ${count}${q.page > 1 ? ` · page ${q.page} of ${pages}` : ''}
    </p>
    ${result.items.length === 0 ? html`<p class="empty">No template matches. Try fewer words or filters.</p>` : ''}
    <ul class="cards">
      ${result.items.map(card)}
    </ul>
    ${
      pages > 1
        ? html`<nav class="paging" aria-label="Pages">
            ${q.page > 1 ? html`<a rel="prev" href="${catalogHref(q, {page: q.page - 1})}">Previous</a>` : ''}
            <span>Page ${q.page} of ${pages}</span>
            ${q.page < pages ? html`<a rel="next" href="${catalogHref(q, {page: q.page + 1})}">Next</a>` : ''}
          </nav>`
        : ''
    }`
}

/** The catalog page's main content. */
export function catalogBody(
  q: CatalogQuery,
  result: SearchResult,
  counts: {category: Category; count: number}[],
): Html {
  const total = counts.reduce((sum, c) => sum + c.count, 0)
  return html`<h1>Template catalog</h1>
    <form class="search" method="get" action="/" role="search" data-live-search>
      <div class="field wide">
        <label for="q">Search</label>
        <input
          id="q"
          name="q"
          type="search"
          value="${q.q}"
          placeholder="api, python, ci…"
          autocomplete="off"
        />
      </div>
      <div class="field">
        <label for="category">Category</label>
        <select id="category" name="category">
          <option value="" ${attr('selected', q.category === '')}>All categories (${total})</option>
          ${counts.map(
            (c) =>
              html`<option value="${c.category}" ${attr('selected', c.category === q.category)}>
                ${categoryLabel(c.category)} (${c.count})
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="tag">Tag</label>
        <input id="tag" name="tag" value="${q.tag}" autocomplete="off" />
      </div>
      <div class="field">
        <label for="author">Author</label>
        <input id="author" name="author" value="${q.author}" autocomplete="off" />
      </div>
      <div class="field narrow">
        <label for="min_score">Min. score</label>
        <input
          id="min_score"
          name="min_score"
          type="number"
          min="0"
          max="100"
          step="1"
          value="${q.minScore ?? ''}"
        />
      </div>
      <div class="field">
        <label for="sort">Sort by</label>
        <select id="sort" name="sort">
          <option value="" ${attr('selected', q.sort === '')}>Default</option>
          ${SEARCH_SORTS.map((s) => html`<option value="${s}" ${attr('selected', s === q.sort)}>${SORT_LABELS[s]}</option>`)}
        </select>
      </div>
      <div class="field actions"><button type="submit">Search</button></div>
    </form>
    <nav class="categories" aria-label="Categories">
      <ul>
        ${counts.map(
          (c) =>
            html`<li>
              <a
                href="${catalogHref(q, {category: c.category, page: 1})}"
                ${attr('aria-current', c.category === q.category ? 'true' : undefined)}
                >${categoryLabel(c.category)} <span class="n">${c.count}</span></a
              >
            </li>`,
        )}
      </ul>
    </nav>
    <section id="results" aria-label="Results" aria-live="polite">${resultsFragment(q, result)}</section>`
}
