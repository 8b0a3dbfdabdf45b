// The World: fresh state for every scenario, shared by its steps (never module globals, which
// leak between scenarios and break parallel runs).
import { setWorldConstructor, World } from '@cucumber/cucumber'

import { Cart } from '../../src/cart.js'

export class ShopWorld extends World {
  constructor(options) {
    super(options)
    this.catalogue = new Map()
    this.codes = new Map()
    this.cart = new Cart(this.catalogue)
    this.lastError = null
  }

  /** Runs an action that may be refused; the step that follows checks the refusal. */
  attempt(action) {
    try {
      action()
      this.lastError = null
    } catch (error) {
      this.lastError = error
    }
  }
}

setWorldConstructor(ShopWorld)
