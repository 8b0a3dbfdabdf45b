// maestro-tpl web catalog: the little JavaScript the pages use. Everything works without
// it (plain GET and POST forms); with it, the catalog searches as you type, the "use this
// template" and "run this workflow" forms show and hide fields live and check answers as
// they are typed, and an execution's page follows its steps live.
'use strict'

;(function () {
  function debounce(fn, ms) {
    let timer
    return function () {
      clearTimeout(timer)
      timer = setTimeout(fn, ms)
    }
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]')
    return meta ? meta.getAttribute('content') : ''
  }

  // Catalog: search as you type. The page itself is fetched and its results and category
  // counts swapped in, so the server renders every result exactly as on a full load.
  function liveSearch(form) {
    let latest = 0
    const run = debounce(async function () {
      const params = new URLSearchParams()
      for (const [name, value] of new FormData(form)) if (value !== '') params.append(name, String(value))
      const query = params.toString()
      const url = query ? '/?' + query : '/'
      const ticket = ++latest
      let response
      try {
        response = await fetch(url, {headers: {Accept: 'text/html'}, credentials: 'same-origin'})
      } catch {
        return
      }
      if (ticket !== latest || !response.ok) return
      const doc = new DOMParser().parseFromString(await response.text(), 'text/html')
      if (ticket !== latest) return
      const results = doc.getElementById('results')
      const here = document.getElementById('results')
      if (results && here) here.replaceChildren(...results.childNodes)
      const nav = doc.querySelector('nav.categories')
      const hereNav = document.querySelector('nav.categories')
      if (nav && hereNav) hereNav.replaceChildren(...nav.childNodes)
      const select = doc.getElementById('category')
      const hereSelect = document.getElementById('category')
      if (select && hereSelect && document.activeElement !== hereSelect)
        hereSelect.replaceChildren(...select.childNodes)
      history.replaceState(null, '', url)
    }, 200)
    form.addEventListener('input', run)
    form.addEventListener('change', run)
  }

  // "Use this template": live `when` conditions, suggested defaults and checks.
  function useForm(form) {
    const stateUrl = form.getAttribute('data-state-url')
    const shareBase = form.getAttribute('data-share-base')
    const status = document.getElementById('form-status')
    const touched = new Set()
    let serverIssues = {}
    let latest = 0
    let submitted = false

    function params() {
      return Array.from(form.querySelectorAll('[data-param]'))
    }
    function controls(container) {
      return Array.from(container.querySelectorAll('input, select')).filter(function (el) {
        return el.type !== 'hidden'
      })
    }
    function values() {
      const out = {}
      for (const [name, value] of new FormData(form)) {
        if (name.startsWith('__')) continue
        if (name in out) out[name] = [].concat(out[name], String(value))
        else out[name] = String(value)
      }
      return out
    }

    // The same checks the server makes, on what the browser can see.
    function localIssue(container) {
      const type = container.getAttribute('data-type')
      const name = container.getAttribute('data-param')
      if (type === 'boolean' || type === 'multichoice') return ''
      const input = controls(container)[0]
      if (!input) return ''
      const value = input.value
      if (input.validity.badInput)
        return name + ' must be ' + (type === 'integer' ? 'a whole number' : 'a number')
      if (value === '') return input.required ? name + ' is required' : ''
      if (type === 'integer' || type === 'number') {
        const n = Number(value)
        if (type === 'integer' && !Number.isInteger(n))
          return name + ' must be a whole number (got ' + value + ')'
        if (input.min !== '' && n < Number(input.min))
          return name + ' must be at least ' + input.min + ' (got ' + value + ')'
        if (input.max !== '' && n > Number(input.max))
          return name + ' must be at most ' + input.max + ' (got ' + value + ')'
      }
      const pattern = input.getAttribute('data-pattern')
      if (pattern) {
        let ok
        try {
          ok = new RegExp(pattern, 'u').test(value)
        } catch {
          // A pattern this browser cannot compile: the server checks it.
          ok = true
        }
        if (!ok) {
          const hint = container.getAttribute('data-hint')
          return hint ? name + ': ' + hint : name + ' "' + value + '" does not match the pattern ' + pattern
        }
      }
      if (input.minLength > 0 && value.length < input.minLength)
        return name + ' must be at least ' + input.minLength + ' characters long'
      return ''
    }

    function show(container, message) {
      const error = container.querySelector('.error')
      const shown = message && (submitted || touched.has(container.getAttribute('data-param')))
      if (error) {
        error.textContent = shown ? message : ''
        error.hidden = !shown
      }
      for (const input of controls(container)) {
        if (shown) input.setAttribute('aria-invalid', 'true')
        else input.removeAttribute('aria-invalid')
      }
    }

    function issues() {
      const out = []
      for (const container of params()) {
        if (container.hidden) {
          show(container, '')
          continue
        }
        const name = container.getAttribute('data-param')
        const message = localIssue(container) || serverIssues[name] || ''
        show(container, message)
        if (message) out.push(container)
      }
      return out
    }

    function updateShare() {
      const link = document.getElementById('share-link')
      if (!link) return
      const query = new URLSearchParams()
      for (const [name, value] of Object.entries(values())) {
        const field = form.querySelector('[name="' + CSS.escape(name) + '"]:not([type="hidden"])')
        if (field && field.type === 'password') continue
        const container = field && field.closest('[data-param]')
        const multi = container && container.getAttribute('data-type') === 'multichoice'
        const list = [].concat(value)
        // A checkbox sends its hidden "false" then "true": the last value is the answer.
        for (const v of multi ? list : list.slice(-1)) if (v !== '') query.append(name, v)
      }
      const text = query.toString()
      const href = text ? shareBase + '?' + text : shareBase
      link.setAttribute('href', href)
      link.textContent = href
    }

    const refresh = debounce(async function () {
      const ticket = ++latest
      let response
      try {
        response = await fetch(stateUrl, {
          method: 'POST',
          credentials: 'same-origin',
          headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken()},
          body: JSON.stringify({values: values()}),
        })
      } catch {
        return
      }
      if (ticket !== latest || !response.ok) return
      const state = await response.json()
      if (ticket !== latest) return
      serverIssues = state.issues || {}
      for (const container of params()) {
        const name = container.getAttribute('data-param')
        const active = state.active.indexOf(name) >= 0
        container.hidden = !active
        for (const input of container.querySelectorAll('input, select')) input.disabled = !active
        const suggested = state.suggested[name]
        const input = controls(container)[0]
        if (input && (input.type === 'text' || input.type === 'number') && suggested !== undefined)
          input.placeholder = String(suggested)
      }
      issues()
      updateShare()
      form.dispatchEvent(new CustomEvent('maestro:state'))
    }, 150)

    function changed(event) {
      const container = event.target.closest('[data-param]')
      if (container) touched.add(container.getAttribute('data-param'))
      issues()
      updateShare()
      refresh()
    }
    form.addEventListener('input', changed)
    form.addEventListener('change', changed)
    form.addEventListener('submit', function (event) {
      submitted = true
      const wrong = issues()
      if (wrong.length === 0) {
        if (status) status.textContent = ''
        return
      }
      event.preventDefault()
      if (status)
        status.textContent =
          wrong.length === 1 ? '1 answer needs fixing.' : wrong.length + ' answers need fixing.'
      const first = controls(wrong[0])[0]
      if (first) first.focus()
    })
  }

  // An execution's page: each step's state and logs follow the execution's server-sent
  // events, and the result appears when it has succeeded; no reload.
  const FINISHED = ['succeeded', 'failed', 'cancelled']
  function followExecution(root) {
    if (FINISHED.indexOf(root.getAttribute('data-state')) >= 0 || typeof EventSource === 'undefined') return
    const source = new EventSource(root.getAttribute('data-events'))
    function setState(el, state) {
      if (!el) return
      el.textContent = state
      el.setAttribute('data-state', state)
    }
    function stepOf(id) {
      return root.querySelector('[data-step="' + CSS.escape(String(id)) + '"]')
    }
    source.addEventListener('step', function (event) {
      const data = JSON.parse(event.data)
      const step = stepOf(data.id)
      if (!step) return
      setState(step.querySelector('.state'), data.state)
      const error = step.querySelector('.error-text')
      if (error && data.error) {
        error.textContent = data.error.message
        error.hidden = false
      }
    })
    source.addEventListener('log', function (event) {
      const data = JSON.parse(event.data)
      const step = stepOf(data.step)
      const logs = step && step.querySelector('.logs')
      if (!logs) return
      const line = document.createElement('li')
      line.className = 'log ' + data.level
      line.textContent = data.message
      logs.append(line)
    })
    source.addEventListener('execution', function (event) {
      const data = JSON.parse(event.data)
      root.setAttribute('data-state', data.state)
      setState(document.getElementById('exec-state'), data.state)
      const error = document.getElementById('exec-error')
      if (error && data.error) {
        error.textContent = data.error.message
        error.hidden = false
      }
      if (FINISHED.indexOf(data.state) < 0) return
      // The stream ends here; closing keeps EventSource from reconnecting.
      source.close()
      const result = document.getElementById('result')
      if (result && data.state === 'succeeded') result.hidden = false
      const live = document.getElementById('exec-live')
      if (live) live.hidden = true
      document.title = document.title.replace(/: \w+ ·/, ': ' + data.state + ' ·')
    })
  }

  document.addEventListener('DOMContentLoaded', function () {
    for (const root of document.querySelectorAll('[data-execution]')) followExecution(root)
    for (const form of document.querySelectorAll('form[data-live-search]')) liveSearch(form)
    for (const form of document.querySelectorAll('form[data-use-form]')) useForm(form)
  })
})()
