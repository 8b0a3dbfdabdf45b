import {describe, expect, it} from 'vitest'

import {parseTemplate} from '../../../src/domain/template.js'
import type {LoadedTemplate} from '../../../src/domain/types.js'
import {resolveAnswers} from '../../../src/render/answers.js'
import {boundedTemplate} from '../../../src/render/bounded.js'
import {renderTemplate} from '../../../src/render/render.js'

const META = {template: 'demo', version: '1.0.0', commit: 'abc123'}
const MIB = 1024 * 1024
const encode = (s: string) => new TextEncoder().encode(s)

function template(files: Record<string, string | Uint8Array>, manifestTail = ''): LoadedTemplate {
  const manifest = `name: demo
version: 1.0.0
description: A demo
category: backend_developer
author: Test
parameters:
  - name: name
    type: string
    default: my app
  - name: items
    type: multichoice
    choices: [a, b, c]
    default: [a, b]
${manifestTail}`
  const map = new Map<string, Uint8Array>([['manifest.yaml', encode(manifest)]])
  for (const [path, content] of Object.entries(files))
    map.set(path, typeof content === 'string' ? encode(content) : content)
  return parseTemplate(map)
}

describe('boundedTemplate', () => {
  it('accepts outputs with bounded filters, conditions, comments and raw, in bodies and file names', () => {
    const t = template({
      'files/{{ name | slugify }}/README.md':
        '# {{ name | upcase | append: "!" }}\n{% if name == "x" %}x{% elsif name != "y" %}y{% else %}z{% endif %}\n' +
        '{% unless items.size > 3 %}few{% endunless %}{% case name %}{% when "a", "b" %}ab{% else %}other{% endcase %}\n' +
        '{% comment %}note{% endcomment %}{% # inline %}{% raw %}{% for x in y %}{{ x }}{% endraw %}',
      'files/plain.txt': 'no liquid here',
    })
    const parsed = boundedTemplate(t, MIB)
    expect(parsed).toBeDefined()
    // Both the body and the file-name segment are parsed once, for the render.
    expect(parsed!.has('{{ name | slugify }}')).toBe(true)
    expect(parsed!.size).toBe(2)
  })

  it.each([
    ['a loop', '{% for i in items %}{{ i }}{% endfor %}'],
    ['a tablerow', '{% tablerow i in items %}{{ i }}{% endtablerow %}'],
    ['a partial', '{% include "part.txt" %}'],
    ['a render', '{% render "part.txt" %}'],
    ['assign', '{% assign x = name | append: name %}{{ x }}'],
    ['capture', '{% capture x %}{{ name }}{{ name }}{% endcapture %}{{ x }}'],
    ['a liquid tag', '{% liquid\necho name %}'],
    ['a range', '{{ (1..100000000) | size }}'],
    ['a range in a condition', '{% if (1..100000000) contains 5 %}y{% endif %}'],
    ['a filter that multiplies', '{{ name | replace: "a", name }}'],
    ['split and join', '{{ name | split: "" | join: name }}'],
    ['a filter in a condition', '{% if name | size > 2 %}y{% endif %}'],
  ])('refuses %s', (_, body) => {
    expect(boundedTemplate(template({'files/a.txt': body, 'files/part.txt': 'p'}), MIB)).toBeUndefined()
  })

  it('refuses an unbounded file name, and a `when` rule with an unbounded filter', () => {
    expect(boundedTemplate(template({'files/{% for i in items %}x{% endfor %}/a': 'a'}), MIB)).toBeUndefined()
    const rule = `files:\n  - path: a.txt\n    when: 'name | split: "" | size > 1'\n`
    expect(boundedTemplate(template({'files/a.txt': 'a'}, rule), MIB)).toBeUndefined()
  })

  it('refuses a template with more text than the bound, and one that does not parse', () => {
    expect(boundedTemplate(template({'files/a.txt': 'x'.repeat(2000)}), 1000)).toBeUndefined()
    expect(boundedTemplate(template({'files/a.txt': '{% if name %}open'}), MIB)).toBeUndefined()
  })

  it('renders what it parsed exactly as a render that parses for itself', async () => {
    const t = template(
      {
        'files/{{ name | slugify }}/main.py':
          '# {{ name }} ({{ maestro.template }})\nNAME = "{{ name | upcase }}"\n',
        'files/{% if name == "x" %}x.txt{% endif %}': 'x',
        'files/b.txt': '{% case name %}{% when "my app" %}mine{% else %}other{% endcase %}',
      },
      `files:\n  - path: b.txt\n    when: 'name != "none"'\n`,
    )
    const answers = await resolveAnswers(t.manifest.parameters, {}, {useDefaults: true})
    const parsed = boundedTemplate(t, MIB)!
    const inThread = await renderTemplate(t, answers, META, {year: 2026, parsed})
    const plain = await renderTemplate(t, answers, META, {year: 2026})
    expect([...inThread.keys()].sort()).toEqual(['b.txt', 'my-app/main.py'])
    expect(inThread).toEqual(plain)
  })
})
