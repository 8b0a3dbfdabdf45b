import assert from 'node:assert/strict'

import { Given, Then, When } from '@cucumber/cucumber'

import { CURRENCY } from '../../src/cart.js'

const cents = (amount) => Math.round(Number(amount) * 100)

Given('the catalogue:', function (table) {
  for (const row of table.hashes()) {
    this.catalogue.set(row.sku, { priceCents: cents(row.price), stock: Number(row.stock) })
  }
})

Given('the discount code {string} takes {int}% off orders from {float}', function (code, percent, minimum) {
  this.codes.set(code, { percent, minimumCents: cents(minimum) })
})

Given('my cart is empty', function () {
  assert.equal(this.cart.subtotalCents(), 0)
})

Given('I have added {int} {string} to my cart', function (quantity, sku) {
  this.cart.add(sku, quantity)
})

When('I add {int} {string} to my cart', function (quantity, sku) {
  this.attempt(() => this.cart.add(sku, quantity))
})

When('I remove {string} from my cart', function (sku) {
  this.cart.remove(sku)
})

When('I apply the discount code {string}', function (code) {
  this.attempt(() => this.cart.applyCode(code, this.codes))
})

Then('my cart holds {int} {string}', function (quantity, sku) {
  assert.equal(this.cart.quantity(sku), quantity)
})

Then('the total is {float} {word}', function (amount, currency) {
  assert.equal(currency, CURRENCY)
  assert.equal(this.cart.totalCents(), cents(amount))
})

Then('I am told {string}', function (message) {
  assert.ok(this.lastError, 'expected the action to be refused')
  assert.equal(this.lastError.message, message)
})
