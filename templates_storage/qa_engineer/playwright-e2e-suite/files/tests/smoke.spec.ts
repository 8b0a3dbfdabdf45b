import { expect, test } from './fixtures'

test.describe('smoke', () => {
  test('home page loads without errors', async ({ homePage, page, consoleErrors }) => {
    const response = await homePage.goto()

    expect(response?.status(), 'HTTP status of the home page').toBeLessThan(400)
    await expect(page).toHaveTitle(/\S/)
    await expect(homePage.main, 'page has a <main> landmark').toBeVisible()
    await expect(homePage.heading.first(), 'page has a level-1 heading').toBeVisible()
    expect(consoleErrors, 'browser console errors').toEqual([])
  })

  test('same-origin links on the home page resolve', async ({ homePage, request }) => {
    await homePage.goto()
    const links = await homePage.sameOriginLinks()

    for (const link of links.slice(0, 50)) {
      const response = await request.get(link)
      expect.soft(response.status(), `GET ${link}`).toBeLessThan(400)
    }
  })

  test('unknown pages answer 404', async ({ page }) => {
    const response = await page.goto('/e2e-this-page-does-not-exist')
    expect(response?.status()).toBe(404)
  })
})
