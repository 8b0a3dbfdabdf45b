// The contract's own tests: it parses, every operation points at a channel and message
// that exist, examples and samples validate, and invalid samples are rejected.
import assert from 'node:assert/strict'
import {before, describe, it} from 'node:test'

import {describeErrors, loadContract, messageValidators, samples} from '../scripts/contract.mjs'

let document
let validators

before(async () => {
  const loaded = await loadContract()
  assert.deepEqual(loaded.errors.map((e) => e.message), [], 'asyncapi.yaml has parser errors')
  document = loaded.document
  validators = messageValidators(document)
})

describe('asyncapi.yaml', () => {
  it('{{ role }}s every message on a channel of the {{ protocol }} server', () => {
    const operations = document.operations().all()
    assert.ok(operations.length > 0)
    for (const operation of operations) {
      assert.equal(operation.action(), '{{ role }}')
      const channel = operation.channels().all()[0]
      assert.ok(channel, `${operation.id()} has no channel`)
      assert.ok(channel.address(), `${channel.id()} has no address`)
      assert.ok(operation.messages().all().length > 0, `${operation.id()} has no message`)
    }
    assert.deepEqual(document.servers().all().map((s) => s.protocol()), ['{{ protocol }}'])
  })

  it('has an example for every message, valid against its payload', () => {
    for (const [name, {message, validate}] of validators) {
      const examples = message.examples().all()
      assert.ok(examples.length > 0, `${name} has no example`)
      for (const example of examples) assert.ok(validate(example.payload()), `${name}: ${describeErrors(validate.errors)}`)
    }
  })
})

describe('samples', () => {
  it('validate against their message', () => {
    const valid = samples()
    assert.ok(valid.length > 0)
    for (const sample of valid) {
      const {validate} = validators.get(sample.message)
      assert.ok(validate(sample.payload), `${sample.file}: ${describeErrors(validate.errors)}`)
    }
  })

  it('invalid ones are rejected, so the schemas are not too loose', () => {
    const invalid = samples('invalid')
    assert.ok(invalid.length > 0)
    for (const sample of invalid) {
      const {validate} = validators.get(sample.message)
      assert.equal(validate(sample.payload), false, `${sample.file} should be rejected`)
    }
  })
})
