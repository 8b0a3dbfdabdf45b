// Logs in once in setup(); every virtual user reuses the token (tokens must outlive the test).
import http from 'k6/http'
import { check, fail } from 'k6'

export function login(baseUrl) {
  const email = __ENV.LOAD_TEST_EMAIL
  const password = __ENV.LOAD_TEST_PASSWORD
  if (!email || !password) fail('set LOAD_TEST_EMAIL and LOAD_TEST_PASSWORD')
  const res = http.post(`${baseUrl}/api/auth/login`, JSON.stringify({ email, password }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { endpoint: 'login' },
  })
  if (!check(res, { 'login: status 200': (r) => r.status === 200 })) {
    fail(`login failed with status ${res.status}`)
  }
  return res.json('access_token')
}
