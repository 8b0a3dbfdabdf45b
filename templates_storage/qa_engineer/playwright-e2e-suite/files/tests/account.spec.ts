import { expect, test } from './fixtures'
import { ACCOUNT_PATH, LOGIN_PATH } from './support/env'

test.describe('signed-in session', () => {
  test('reaches a protected page without logging in again', async ({ page }) => {
    await page.goto(ACCOUNT_PATH)

    await expect(page).not.toHaveURL(new RegExp(LOGIN_PATH))
    const signOut = page
      .getByRole('button', { name: /sign out|log out/i })
      .or(page.getByRole('link', { name: /sign out|log out/i }))
    await expect(signOut.first()).toBeVisible()
  })
})
