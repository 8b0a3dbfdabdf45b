// The example system under test: a shopping cart with discount codes. Replace it with
// calls to your application (HTTP client, page objects) in the step definitions.

export const CURRENCY = '{{ currency }}'

export class CartError extends Error {}

export class Cart {
  #lines = new Map()
  #discount = null

  constructor(catalogue) {
    this.catalogue = catalogue
  }

  add(sku, quantity = 1) {
    const product = this.catalogue.get(sku)
    if (!product) throw new CartError(`unknown product ${sku}`)
    if (!Number.isInteger(quantity) || quantity < 1) throw new CartError('quantity must be a positive whole number')
    const current = this.#lines.get(sku) ?? 0
    if (current + quantity > product.stock) throw new CartError(`only ${product.stock} of ${sku} in stock`)
    this.#lines.set(sku, current + quantity)
  }

  remove(sku) {
    this.#lines.delete(sku)
  }

  quantity(sku) {
    return this.#lines.get(sku) ?? 0
  }

  applyCode(code, codes) {
    const discount = codes.get(code)
    if (!discount) throw new CartError(`code ${code} is not valid`)
    if (this.subtotalCents() < discount.minimumCents) {
      throw new CartError(`code ${code} needs a subtotal of at least ${discount.minimumCents / 100}`)
    }
    this.#discount = discount
  }

  subtotalCents() {
    let cents = 0
    for (const [sku, quantity] of this.#lines) cents += this.catalogue.get(sku).priceCents * quantity
    return cents
  }

  totalCents() {
    const subtotal = this.subtotalCents()
    if (!this.#discount) return subtotal
    // Percent discounts round down to whole cents, in the customer's favour.
    return subtotal - Math.ceil((subtotal * this.#discount.percent) / 100)
  }
}
