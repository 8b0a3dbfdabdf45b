import type {RouteObject} from 'react-router'
import App from '../App'
import {About} from './About'
import {Home} from './Home'
import {NotFound} from './NotFound'

/** The route tree, shared by the browser router (main.tsx) and memory routers in tests. */
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <App />,
    children: [
      {index: true, element: <Home />},
      {path: 'about', element: <About />},
      {path: '*', element: <NotFound />},
    ],
  },
]
