import {describe, expect, it} from 'vitest'

// Imported under another name: prettier formats templates tagged `html` as HTML, and these must stay byte for byte.
import {attr, html as markup, trusted} from '../../../src/web/html.js'
import {renderMarkdown} from '../../../src/web/markdown.js'

describe('html builder', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    const name = `"><script>alert('x')</script>`
    expect(markup`<a title="${name}">${name}</a>`.toString()).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</a>',
    )
  })

  it('keeps markup built with it, joins lists and drops empty values', () => {
    const items = ['a<b', 'c'].map((t) => markup`<li>${t}</li>`)
    expect(markup`<ul>${items}${null}${undefined}${false}</ul>`.toString()).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>',
    )
    expect(markup`${trusted('<b>x</b>')}`.toString()).toBe('<b>x</b>')
  })

  it('writes an attribute only when it has a value', () => {
    expect(
      markup`<input${attr('required', true)}${attr('min', 0)}${attr('max', undefined)}${attr('hidden', false)}>`.toString(),
    ).toBe('<input required min="0">')
  })
})

describe('README rendering', () => {
  it('shows raw HTML as text and drops script URLs', () => {
    const out = renderMarkdown(
      '# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[a](javascript:alert(3)) [b](https://example.com)\n',
    ).toString()
    expect(out).not.toMatch(/<script|<img|href="javascript/i)
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(out).toContain('<a href="https://example.com" rel="nofollow noopener noreferrer">b</a>')
  })

  it('moves headings two levels down, under the page and its README section', () => {
    expect(renderMarkdown('# One\n\n## Two\n\n##### Five\n').toString()).toBe(
      '<h3>One</h3>\n<h4>Two</h4>\n<h6>Five</h6>\n',
    )
  })
})
