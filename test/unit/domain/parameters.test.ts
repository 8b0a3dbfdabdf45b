import {describe, expect, it} from 'vitest'

import {
  InvalidAnswersError,
  MissingAnswersError,
  RenderError,
  UsageError,
} from '../../../src/domain/errors.js'
import {Ajv2020} from 'ajv/dist/2020.js'

import {
  coerceAnswers,
  parametersJsonSchema,
  parseAssignments,
  plainlyValidAnswers,
  validateAnswer,
} from '../../../src/domain/parameters.js'
import {resolveAnswers} from '../../../src/render/answers.js'
import type {AnswerValue, Parameter} from '../../../src/domain/types.js'

const PARAMS: Parameter[] = [
  {name: 'project_name', type: 'string', default: 'my-service', pattern: '^[a-z][a-z0-9-]*$'},
  {name: 'package_name', type: 'string', default: "{{ project_name | replace: '-', '_' }}"},
  {name: 'port', type: 'integer', default: 8000, min: 1, max: 65535},
  {name: 'database', type: 'choice', choices: ['postgres', 'sqlite', 'none'], default: 'postgres'},
  {name: 'pool_size', type: 'integer', default: 10, when: "database != 'none'"},
  {name: 'features', type: 'multichoice', choices: ['auth', 'metrics', 'tracing'], default: ['metrics']},
  {name: 'use_docker', type: 'boolean', default: true},
]

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected a rejection')
}

describe('parametersJsonSchema', () => {
  it('describes each answer with its type, choices, pattern and bounds, and refuses unknown names', () => {
    expect(parametersJsonSchema(PARAMS)).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        project_name: {type: 'string', pattern: '^[a-z][a-z0-9-]*$', default: 'my-service'},
        package_name: {type: 'string'},
        port: {type: 'integer', minimum: 1, maximum: 65535, default: 8000},
        database: {type: 'string', enum: ['postgres', 'sqlite', 'none'], default: 'postgres'},
        pool_size: {type: 'integer', default: 10},
        features: {
          type: 'array',
          items: {type: 'string', enum: ['auth', 'metrics', 'tracing']},
          uniqueItems: true,
          default: ['metrics'],
        },
        use_docker: {type: 'boolean', default: true},
      },
    })
  })

  it('maps min/max to string lengths and multichoice counts', () => {
    const schema = parametersJsonSchema([
      {name: 's', type: 'string', min: 2, max: 5},
      {name: 'm', type: 'multichoice', choices: ['a', 'b'], min: 1},
    ]) as {properties: Record<string, unknown>}
    expect(schema.properties.s).toEqual({type: 'string', minLength: 2, maxLength: 5})
    expect(schema.properties.m).toMatchObject({minItems: 1})
  })
})

describe('parseAssignments', () => {
  it('keeps values as text, splitting on the first "="', () => {
    expect(parseAssignments(['project_name=billing', 'url=postgres://u:p@h/db?a=b', 'prefix='])).toEqual({
      project_name: 'billing',
      url: 'postgres://u:p@h/db?a=b',
      prefix: '',
    })
  })

  it('lets a later assignment of the same name win', () => {
    expect(parseAssignments(['a=1', 'a=2'])).toEqual({a: '2'})
  })

  it('refuses an assignment without "=" or without a name', () => {
    expect(() => parseAssignments(['project_name'])).toThrow(UsageError)
    expect(() => parseAssignments(['=x'])).toThrow(UsageError)
  })

  it('stores __proto__ as a plain key instead of changing the prototype', () => {
    const answers = parseAssignments(['__proto__=x'])
    // No prototype at all: `__proto__` is an ordinary key and `constructor` reads nothing.
    expect(Object.getPrototypeOf(answers)).toBeNull()
    expect(Object.keys(answers)).toEqual(['__proto__'])
    expect(answers.__proto__).toBe('x')
    expect(answers.constructor).toBeUndefined()
  })
})

describe('coerceAnswers', () => {
  it('converts text to each parameter type', () => {
    expect(
      coerceAnswers(PARAMS, {
        port: '9000',
        use_docker: 'no',
        features: 'auth, tracing',
        project_name: 'billing',
        pool_size: ' 5 ',
      }),
    ).toEqual({
      port: 9000,
      use_docker: false,
      features: ['auth', 'tracing'],
      project_name: 'billing',
      pool_size: 5,
    })
  })

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads boolean %j as %j', (text, value) => {
    expect(coerceAnswers(PARAMS, {use_docker: text}).use_docker).toBe(value)
  })

  it('parses numbers strictly and leaves text that is not a number for validation to report', () => {
    expect(coerceAnswers(PARAMS, {port: '80abc'}).port).toBe('80abc')
    expect(coerceAnswers(PARAMS, {port: '80.5'}).port).toBe('80.5')
    expect(coerceAnswers([{name: 'ratio', type: 'number'}], {ratio: '0.25'}).ratio).toBe(0.25)
    expect(coerceAnswers([{name: 'ratio', type: 'number'}], {ratio: '1e3'}).ratio).toBe(1000)
  })

  it('turns YAML numbers into text for string parameters and drops nulls', () => {
    expect(coerceAnswers(PARAMS, {project_name: 42, package_name: null})).toEqual({project_name: '42'})
  })

  it('reads an empty multichoice text as no choices', () => {
    expect(coerceAnswers(PARAMS, {features: ''}).features).toEqual([])
  })
})

describe('resolveAnswers', () => {
  it('fills defaults, rendering Liquid defaults over earlier answers', async () => {
    const answers = await resolveAnswers(PARAMS, {project_name: 'billing-api'})
    expect(answers).toEqual({
      project_name: 'billing-api',
      package_name: 'billing_api',
      port: 8000,
      database: 'postgres',
      pool_size: 10,
      features: ['metrics'],
      use_docker: true,
    })
  })

  it('lets provided answers win over defaults and coerces --set text', async () => {
    const answers = await resolveAnswers(
      PARAMS,
      parseAssignments(['port=9000', 'use_docker=no', 'features=auth,tracing']),
    )
    expect(answers).toMatchObject({port: 9000, use_docker: false, features: ['auth', 'tracing']})
  })

  it('skips a parameter whose when is false and drops an answer given for it', async () => {
    const answers = await resolveAnswers(PARAMS, {database: 'none', pool_size: 50})
    expect(answers).not.toHaveProperty('pool_size')
    expect(answers.database).toBe('none')
  })

  it('lets later conditions test a skipped parameter, which is nil', async () => {
    const params: Parameter[] = [
      {name: 'db', type: 'boolean', default: false},
      {name: 'db_name', type: 'string', default: 'app', when: 'db'},
      {name: 'migrations', type: 'boolean', default: true, when: 'db_name'},
    ]
    expect(await resolveAnswers(params, {})).toEqual({db: false})
  })

  it('lists every missing required answer, not just the first', async () => {
    const params: Parameter[] = [
      {name: 'owner', type: 'string'},
      {name: 'port', type: 'integer', default: 1},
      {name: 'team', type: 'choice', choices: ['a', 'b']},
      {name: 'note', type: 'string', required: false},
    ]
    const err = await rejection(resolveAnswers(params, {}))
    expect(err).toBeInstanceOf(MissingAnswersError)
    expect((err as MissingAnswersError).missing).toEqual(['owner', 'team'])
  })

  it('leaves an optional parameter without a value out of the answers', async () => {
    expect(await resolveAnswers([{name: 'note', type: 'string', required: false}], {})).toEqual({})
  })

  it('refuses unknown answer names, naming them, before asking anything', async () => {
    const asked: string[] = []
    const err = await rejection(
      resolveAnswers(PARAMS, {prot: '80', colour: 'red'}, {ask: async (p) => (asked.push(p.name), 'x')}),
    )
    expect(err).toBeInstanceOf(InvalidAnswersError)
    expect((err as InvalidAnswersError).issues.map((i) => i.path)).toEqual(['/prot', '/colour'])
    expect((err as InvalidAnswersError).message).toMatch(/unknown answer "prot"/)
    expect(asked).toEqual([])
  })

  it('says which answer has the wrong type and why', async () => {
    const err = await rejection(
      resolveAnswers(PARAMS, {
        port: 'eighty',
        database: 'mysql',
        project_name: 'Bad Name',
        features: 'auth,auth',
      }),
    )
    expect(err).toBeInstanceOf(InvalidAnswersError)
    const messages = (err as InvalidAnswersError).issues.map((i) => i.message)
    expect(messages).toContain('port must be a whole number (got "eighty")')
    expect(messages).toContain('database must be one of postgres, sqlite, none (got "mysql")')
    expect(messages).toContain('project_name "Bad Name" does not match the pattern ^[a-z][a-z0-9-]*$')
    expect(messages).toContain('features lists "auth" more than once')
  })

  it('checks bounds', async () => {
    const err = await rejection(resolveAnswers(PARAMS, {port: '70000'}))
    expect((err as InvalidAnswersError).issues).toEqual([
      {path: '/port', message: 'port must be at most 65535 (got 70000)'},
    ])
  })

  it('validates a rendered Liquid default like any answer', async () => {
    const params: Parameter[] = [
      {name: 'name', type: 'string'},
      {name: 'slug', type: 'string', default: '{{ name }}', pattern: '^[a-z]+$'},
    ]
    await expect(resolveAnswers(params, {name: 'Hello'})).rejects.toThrow(/slug "Hello" does not match/)
    expect(await resolveAnswers(params, {name: 'hello'})).toEqual({name: 'hello', slug: 'hello'})
  })

  it('asks for every unanswered parameter, suggesting the rendered default', async () => {
    const seen: [string, AnswerValue | undefined][] = []
    const answers = await resolveAnswers(
      PARAMS.slice(0, 3),
      {project_name: 'shop'},
      {
        ask: async (param, suggested) => {
          seen.push([param.name, suggested])
          return param.name === 'port' ? '7000' : (suggested as string)
        },
      },
    )
    expect(seen).toEqual([
      ['package_name', 'shop'],
      ['port', 8000],
    ])
    expect(answers).toEqual({project_name: 'shop', package_name: 'shop', port: 7000})
  })

  it('with useDefaults asks only for parameters that have no default', async () => {
    const asked: string[] = []
    const params: Parameter[] = [{name: 'owner', type: 'string'}, ...PARAMS]
    await resolveAnswers(params, {}, {useDefaults: true, ask: async (p) => (asked.push(p.name), 'ana')})
    expect(asked).toEqual(['owner'])
  })

  it('never asks when interactive is false', async () => {
    const err = await rejection(
      resolveAnswers([{name: 'owner', type: 'string'}], {}, {interactive: false, ask: async () => 'x'}),
    )
    expect(err).toBeInstanceOf(MissingAnswersError)
  })

  it('reports a when condition that names an unknown variable as a render error', async () => {
    const params: Parameter[] = [{name: 'x', type: 'string', default: 'a', when: 'later == "y"'}]
    const err = await rejection(resolveAnswers(params, {}))
    expect(err).toBeInstanceOf(RenderError)
    expect((err as Error).message).toMatch(
      /parameter x: when "later == \\"y\\"" failed: undefined variable: later/,
    )
  })

  it('supports contains in conditions', async () => {
    const params: Parameter[] = [
      ...PARAMS,
      {
        name: 'auth_provider',
        type: 'choice',
        choices: ['oidc', 'basic'],
        default: 'oidc',
        when: 'features contains "auth"',
      },
    ]
    expect(await resolveAnswers(params, {features: 'auth'})).toHaveProperty('auth_provider', 'oidc')
    expect(await resolveAnswers(params, {features: 'metrics'})).not.toHaveProperty('auth_provider')
  })
})

describe('validateAnswer', () => {
  it('explains what is wrong with one value, or returns undefined', () => {
    const port = PARAMS[2]!
    expect(validateAnswer(port, 70000)).toBe('port must be at most 65535 (got 70000)')
    expect(validateAnswer(port, 80)).toBeUndefined()
  })
})

describe('plainlyValidAnswers (the check that spares compiling the schema)', () => {
  const params: Parameter[] = [
    {name: 'name', type: 'string', pattern: '^[a-z][a-z0-9-]*$', min: 2, max: 5},
    {name: 'emoji', type: 'string', min: 2, max: 2},
    {name: 'port', type: 'integer', min: 1, max: 65535},
    {name: 'ratio', type: 'number', min: 0, max: 1},
    {name: 'docker', type: 'boolean'},
    {name: 'db', type: 'choice', choices: ['postgres', 'none']},
    {name: 'features', type: 'multichoice', choices: ['auth', 'metrics'], min: 1, max: 2},
    {name: 'bad_pattern', type: 'string', pattern: '(['},
  ]
  const values: Record<string, unknown[]> = {
    name: ['ab', 'abcde', 'a', 'abcdef', 'Ab', 'a_b', 3, true],
    emoji: ['😀😀', '😀', 'ab', 'a'],
    port: [1, 65535, 8080, 0, 65536, 1.5, '8080', Number.NaN],
    ratio: [0, 0.5, 1, -0.1, 1.1, Number.NaN, Number.POSITIVE_INFINITY, '0.5'],
    docker: [true, false, 'true', 1],
    db: ['postgres', 'none', 'mysql', 1],
    features: [['auth'], ['auth', 'metrics'], [], ['auth', 'auth'], ['other'], 'auth', [1]],
    bad_pattern: ['x'],
  }
  const validate = new Ajv2020({allErrors: true, strict: true, validateSchema: false}).compile(
    parametersJsonSchema(params.filter((p) => p.name !== 'bad_pattern')),
  )

  it('says yes only to answers the JSON Schema accepts, and to the plain valid ones', () => {
    for (const [name, list] of Object.entries(values)) {
      if (name === 'bad_pattern') continue
      for (const value of list) {
        const answers = {[name]: value}
        const plain = plainlyValidAnswers(params, answers)
        if (plain) expect(validate(answers), `${name}=${JSON.stringify(value)}`).toBe(true)
        // Everything the schema accepts in this grid is recognised without ajv.
        if (validate(answers)) expect(plain, `${name}=${JSON.stringify(value)}`).toBe(true)
      }
    }
  })

  it('leaves unknown names and uncompilable patterns to the full check', () => {
    expect(plainlyValidAnswers(params, {nope: 1})).toBe(false)
    expect(plainlyValidAnswers(params, {bad_pattern: 'x'})).toBe(false)
    expect(plainlyValidAnswers(params, {name: 'abc', port: 80, db: 'none', features: ['metrics']})).toBe(true)
  })

  it('still names what is wrong, through ajv', async () => {
    expect(validateAnswer(params[2]!, 70000)).toMatch(/port must be at most 65535/)
    await expect(resolveAnswers(params.slice(2, 3), {port: 0}, {useDefaults: true})).rejects.toThrow(
      /port must be at least 1/,
    )
  })
})

describe('pattern_hint', () => {
  const hinted: Parameter = {
    name: 'project_name',
    type: 'string',
    pattern: '^[a-z][a-z0-9-]*$',
    pattern_hint: 'lowercase letters, digits and dashes, starting with a letter',
  }

  it('says the hint instead of the regular expression', () => {
    expect(validateAnswer(hinted, 'Billing API')).toBe(
      'project_name "Billing API" is not valid: lowercase letters, digits and dashes, starting with a letter',
    )
    const {pattern_hint: _hint, ...unhinted} = hinted
    expect(validateAnswer(unhinted, 'Billing API')).toContain('^[a-z][a-z0-9-]*$')
    expect(validateAnswer(hinted, 'billing-api')).toBeUndefined()
  })

  it('says it in the error of a whole set of answers too', async () => {
    const err = await rejection(resolveAnswers([hinted], {project_name: 'Billing'}, {useDefaults: true}))
    expect(err).toBeInstanceOf(InvalidAnswersError)
    expect((err as Error).message).toContain('is not valid: lowercase letters, digits and dashes')
    expect((err as Error).message).not.toContain('^[a-z]')
  })
})
