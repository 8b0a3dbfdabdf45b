import { expect, test as setup } from '@playwright/test'
import { LOGIN_PATH, STORAGE_STATE } from './support/env'

/**
 * Signs in once and saves cookies and local storage; browser projects start from that
 * state (see `storageState` in playwright.config.ts), so tests skip the login form.
 */
setup('sign in', async ({ page }) => {
  const email = process.env.E2E_USER_EMAIL
  const password = process.env.E2E_USER_PASSWORD
  if (!email || !password) {
    throw new Error('Set E2E_USER_EMAIL and E2E_USER_PASSWORD (see .env.example)')
  }

  await page.goto(LOGIN_PATH)
  await page.getByLabel(/email/i).fill(email)
  await page.getByLabel(/password/i).fill(password)
  await page.getByRole('button', { name: /sign in|log in/i }).click()

  await expect(page).not.toHaveURL(new RegExp(LOGIN_PATH))
  await page.context().storageState({ path: STORAGE_STATE })
})
