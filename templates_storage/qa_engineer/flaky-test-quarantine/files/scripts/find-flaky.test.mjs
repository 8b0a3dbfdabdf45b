// node --test scripts/: the flaky-test finder on reports shaped like pytest's and Playwright's.
import assert from 'node:assert/strict'
import {test} from 'node:test'

import {classify, parseJUnit} from './find-flaky.mjs'

const report = (cases) => `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="suite" tests="${cases.length}">${cases.join('')}</testsuite></testsuites>`

const pass = (name) => `<testcase classname="tests.test_cart" name="${name}" time="0.01"/>`
const fail = (name) => `<testcase classname="tests.test_cart" name="${name}" time="0.02"><failure message="assert 1 == 2">trace</failure></testcase>`
const skip = (name) => `<testcase classname="tests.test_cart" name="${name}"><skipped message="quarantined"/></testcase>`

test('a test that fails in some runs and passes in others is flaky', () => {
  const runs = [
    parseJUnit(report([pass('test_total'), fail('test_discount')])),
    parseJUnit(report([pass('test_total'), pass('test_discount')])),
  ]
  const result = classify(runs)
  assert.deepEqual(result.flaky.map((t) => t.id), ['tests.test_cart::test_discount'])
  assert.deepEqual(result.broken, [])
})

test('a test that fails every time is broken, not flaky', () => {
  const runs = [parseJUnit(report([fail('test_tax')])), parseJUnit(report([fail('test_tax')]))]
  const result = classify(runs)
  assert.deepEqual(result.flaky, [])
  assert.equal(result.broken[0].id, 'tests.test_cart::test_tax')
  assert.equal(result.broken[0].failed, 2)
})

test('skipped tests are left out and known quarantined tests are marked', () => {
  const runs = [
    parseJUnit(report([skip('test_skipped'), fail('test_known')])),
    parseJUnit(report([skip('test_skipped'), pass('test_known')])),
  ]
  const result = classify(runs, ['tests.test_cart::test_known'])
  assert.equal(result.flaky.length, 1)
  assert.equal(result.flaky[0].quarantined, true)
})

test('escaped names are read back as written', () => {
  const [only] = parseJUnit(report([pass('test_name[a&amp;b &lt;c&gt;]')]))
  assert.equal(only.id, 'tests.test_cart::test_name[a&b <c>]')
})
