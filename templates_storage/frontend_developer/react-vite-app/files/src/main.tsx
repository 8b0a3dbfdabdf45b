import {StrictMode} from 'react'
import {createRoot} from 'react-dom/client'
{%- if use_router %}
import {createBrowserRouter} from 'react-router'
import {RouterProvider} from 'react-router/dom'
{%- endif %}

{%- if use_router %}
import {routes} from './routes/routes'
{%- else %}
import App from './App'
{%- endif %}
import './index.css'

const container = document.getElementById('root')
if (!container) throw new Error('index.html must contain <div id="root">')
{%- if use_router %}

const router = createBrowserRouter(routes)
{%- endif %}

createRoot(container).render(
  <StrictMode>
{%- if use_router %}
    <RouterProvider router={router} />
{%- else %}
    <App />
{%- endif %}
  </StrictMode>,
)
