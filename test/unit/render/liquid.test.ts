import {describe, expect, it} from 'vitest'

import {RenderLimitError} from '../../../src/domain/errors.js'
import type {RenderError} from '../../../src/domain/errors.js'
import {createLiquid, evalCondition, liquidErrorToRenderError} from '../../../src/render/liquid.js'

async function renderError(
  template: string,
  scope: object,
  files?: Map<string, string>,
): Promise<RenderError | RenderLimitError> {
  try {
    await createLiquid(files ? {files} : {}).parseAndRender(template, scope)
  } catch (err) {
    return liquidErrorToRenderError(err, 'files/t.txt', {text: template, ...(files ? {partials: files} : {})})
  }
  throw new Error('rendered without error')
}

describe('createLiquid', () => {
  it('offers the case filters templates use for identifiers', async () => {
    const liquid = createLiquid()
    const out = await liquid.parseAndRender(
      '{{ s | slugify }}|{{ s | snake_case }}|{{ s | kebab_case }}|{{ s | camel_case }}|{{ s | pascal_case }}|{{ s | upper_snake_case }}|{{ list | json }}',
      {s: 'Billing APIServer v2', list: ['a', 1]},
    )
    expect(out).toBe(
      'billing-api-server-v2|billing_api_server_v2|billing-api-server-v2|billingApiServerV2|BillingApiServerV2|BILLING_API_SERVER_V2|["a",1]',
    )
  })

  it('strips accents when slugifying', async () => {
    expect(await createLiquid().parseAndRender('{{ "Café Crème" | slugify }}', {})).toBe('cafe-creme')
  })

  it('fails on an unknown variable with its line and column', async () => {
    const err = await renderError('line one\n  {{ nmae }}', {name: 'x'})
    expect(err.data).toEqual({file: 'files/t.txt', line: 2, column: 6})
    expect(err.message).toBe('files/t.txt:2:6: undefined variable: nmae')
  })

  it('fails on an unknown filter', async () => {
    const err = await renderError('{{ name | shout }}', {name: 'x'})
    expect(err.message).toMatch(/undefined filter: shout/)
  })

  it.each([
    '{{ constructor }}',
    '{{ x.__proto__ }}',
    '{{ x.constructor.name }}',
    '{{ list.__proto__ }}',
    '{{ x["constructor"] }}',
  ])('does not reach prototypes: %s is an error', async (template) => {
    const err = await renderError(template, {x: 'abc', list: [1]})
    expect(err.message).toMatch(/undefined variable/)
  })

  it.each([
    '{{ "a" | constructor }}',
    '{{ "a" | prototype }}',
    '{{ x | __proto__ }}',
    '{{ x | map: "constructor" | first }}',
    '{{ list | map: "constructor" | json }}',
    '{{ list | where: "__proto__" | json }}',
    '{{ list | sort: "constructor" | json }}',
    '{{ obj | json }}',
    '{% for p in obj %}{{ p }}{% endfor %}',
    '{% assign f = obj.hasOwnProperty %}{{ f }}',
    '{{ obj.toString }}',
    '{{ obj.valueOf }}',
    '{{ x.size }}{{ x.length }}',
    '{{ "a" | split: "" | map: "__proto__" | json }}',
  ])('gives templates nothing of JavaScript objects: %s', async (template) => {
    const scope = {x: 'abc', list: [{a: 1}], obj: {a: 1}}
    let out: string
    try {
      out = String(await createLiquid().parseAndRender(template, scope))
    } catch (err) {
      // Strict variables and filters: probing for a member that is not there is an error.
      expect(liquidErrorToRenderError(err, 'files/t.txt').message).toMatch(/undefined (variable|filter)/)
      return
    }
    expect(out).not.toMatch(/function|native code|prototype|Object/)
  })

  it('reports LiquidJS limits as RenderLimitError naming the limit', async () => {
    const cases: [string, string][] = [
      ['{% for i in (1..100000000) %}{{ i }}{% endfor %}', 'memory'],
      ['{% assign s = "xy" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}', 'memory'],
      [`${'{% if true %}'.repeat(20_000)}x${'{% endif %}'.repeat(20_000)}`, 'nesting'],
    ]
    for (const [template, limit] of cases) {
      const err = await renderError(template, {})
      expect(err).toBeInstanceOf(RenderLimitError)
      expect(err.data).toMatchObject({limit, file: 'files/t.txt'})
    }
  })

  it('includes partials only from its own files, never from disk', async () => {
    const files = new Map([
      ['_partials/header.md', '# {{ title }}'],
      ['docs/page.md', '{% render "../_partials/header.md", title: "Docs" %}'],
    ])
    const liquid = createLiquid({files})
    expect(await liquid.parseAndRender('{% include "docs/page.md" %}', {})).toBe('# Docs')
    for (const name of ['/etc/passwd', '../../../../etc/passwd', 'constructor', 'package.json']) {
      await expect(liquid.parseAndRender(`{% include "${name}" %}`, {})).rejects.toThrow(/Failed to lookup/)
    }
  })

  it('reports an error inside a partial at the partial', async () => {
    const files = new Map([['_p.md', 'ok\n{{ missing }}']])
    const err = await renderError('top\n{% render "_p.md" %}', {}, files)
    expect(err.data).toEqual({file: '_p.md', line: 2, column: 4})
    expect(err.message).toContain('included from files/t.txt')
  })

  it('stops a runaway loop at the render time limit', async () => {
    const liquid = createLiquid()
    await expect(
      liquid.parseAndRender('{% for i in (1..100000000) %}{{ i }}{% endfor %}', {}, {renderLimit: 50}),
    ).rejects.toThrow(/limit exceeded/)
  })

  it('stops a memory bomb at the memory limit', async () => {
    const liquid = createLiquid()
    await expect(
      liquid.parseAndRender(
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}',
        {},
      ),
    ).rejects.toThrow(/limit exceeded/)
  })

  it('shares one engine per file set', () => {
    const files = new Map<string, string>()
    expect(createLiquid()).toBe(createLiquid())
    expect(createLiquid({files})).toBe(createLiquid({files}))
    expect(createLiquid({files})).not.toBe(createLiquid())
  })
})

describe('evalCondition', () => {
  it('uses Liquid truthiness: only false and nil are false', async () => {
    const liquid = createLiquid()
    expect(await evalCondition(liquid, 'x', {x: ''})).toBe(true)
    expect(await evalCondition(liquid, 'x', {x: 0})).toBe(true)
    expect(await evalCondition(liquid, 'x', {x: false})).toBe(false)
    expect(await evalCondition(liquid, 'x', {x: null})).toBe(false)
    expect(await evalCondition(liquid, 'db != "none" and n > 2', {db: 'pg', n: 3})).toBe(true)
  })
})

describe('createLiquid locale', () => {
  it("names months and days in the machine's locale, as LiquidJS's default does", async () => {
    const machine = Intl.DateTimeFormat().resolvedOptions().locale
    const liquid = createLiquid({files: new Map()})
    expect(liquid.options.locale).toBe(machine)
    const date = new Date('2026-03-05T12:00:00Z')
    const month = new Intl.DateTimeFormat(machine, {month: 'long', timeZone: 'UTC'}).format(date)
    expect(await liquid.parseAndRender('{{ d | date: "%B", "UTC" }}', {d: date.toISOString()})).toBe(month)
  })
})
