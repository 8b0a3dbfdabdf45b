import {render, screen} from '@testing-library/react'
import userEvent from '@testing-library/user-event'
// RouterProvider from 'react-router' itself: under Vitest, 'react-router/dom' loads a second
// copy of the router context, and every route then renders outside a <Router>.
import {createMemoryRouter, RouterProvider} from 'react-router'
import {describe, expect, it} from 'vitest'
import {routes} from './routes'

function renderAt(path: string) {
  const router = createMemoryRouter(routes, {initialEntries: [path]})
  render(<RouterProvider router={router} />)
  return router
}

describe('routes', () => {
  it('renders the home page inside the layout', () => {
    renderAt('/')
    expect(screen.getByRole('heading', {level: 1, name: '{{ title | escape }}'})).toBeInTheDocument()
    expect(screen.getByRole('navigation', {name: 'Main'})).toBeInTheDocument()
  })

  it('navigates to About from the main navigation', async () => {
    const user = userEvent.setup()
    const router = renderAt('/')
    await user.click(screen.getByRole('link', {name: 'About'}))
    expect(router.state.location.pathname).toBe('/about')
    // The router renders the new page in a transition: it may land after the click resolves.
    expect(await screen.findByRole('heading', {level: 1, name: 'About'})).toBeInTheDocument()
  })

  it('shows a not-found page for unknown paths', () => {
    renderAt('/no/such/page')
    expect(screen.getByRole('heading', {name: 'Page not found'})).toBeInTheDocument()
    expect(screen.getByText('/no/such/page')).toBeInTheDocument()
  })
})
