import { After, Before, BeforeAll, Status } from '@cucumber/cucumber'

BeforeAll(function () {
  // Start or check shared services here (a test server, a database): once per worker.
})

Before({ tags: '@wip' }, function () {
  return 'skipped'
})

After(function ({ result, pickle }) {
  // Attach the cart to failed scenarios' reports: the state is the first thing one asks for.
  if (result?.status === Status.FAILED) {
    this.attach(
      JSON.stringify({ scenario: pickle.name, subtotalCents: this.cart.subtotalCents() }, null, 2),
      'application/json',
    )
  }
})
