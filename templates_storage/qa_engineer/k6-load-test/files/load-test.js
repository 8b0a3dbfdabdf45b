// k6 load test for {{ base_url }}: `k6 run load-test.js` (BASE_URL=... to point elsewhere).
import http from 'k6/http'
import { check, group, sleep } from 'k6'
import { Rate, Trend } from 'k6/metrics'
{%- if auth == 'bearer_login' %}
import { login } from './lib/auth.js'
{%- endif %}
import { pick, thinkTime } from './lib/journeys.js'

const BASE_URL = __ENV.BASE_URL || '{{ base_url }}'

// Business-level metrics next to k6's built-in ones.
const journeyErrors = new Rate('journey_errors')
const itemLatency = new Trend('item_latency', true)

export const options = {
{%- case profile %}
{%- when 'smoke' %}
  // Smoke: one user for a minute, to prove the script and the system work at all.
  vus: 1,
  duration: '1m',
{%- when 'load' %}
  // Load: ramp to the expected peak, hold it, ramp down.
  stages: [
    { duration: '2m', target: {{ target_vus }} },
    { duration: '10m', target: {{ target_vus }} },
    { duration: '2m', target: 0 },
  ],
{%- when 'stress' %}
  // Stress: climb past the expected peak in steps to find where it breaks.
  stages: [
    { duration: '2m', target: {{ target_vus }} },
    { duration: '5m', target: {{ target_vus }} },
    { duration: '2m', target: {{ target_vus | times: 2 }} },
    { duration: '5m', target: {{ target_vus | times: 2 }} },
    { duration: '2m', target: {{ target_vus | times: 3 }} },
    { duration: '5m', target: {{ target_vus | times: 3 }} },
    { duration: '5m', target: 0 },
  ],
{%- when 'spike' %}
  // Spike: a sudden burst to the peak and back, then a check that the system recovers.
  stages: [
    { duration: '30s', target: {{ target_vus | divided_by: 10 | floor | plus: 1 }} },
    { duration: '10s', target: {{ target_vus }} },
    { duration: '1m', target: {{ target_vus }} },
    { duration: '10s', target: {{ target_vus | divided_by: 10 | floor | plus: 1 }} },
    { duration: '3m', target: {{ target_vus | divided_by: 10 | floor | plus: 1 }} },
    { duration: '10s', target: 0 },
  ],
{%- when 'soak' %}
  // Soak: the expected load for hours, to find leaks and slow degradation.
  stages: [
    { duration: '5m', target: {{ target_vus }} },
    { duration: '4h', target: {{ target_vus }} },
    { duration: '5m', target: 0 },
  ],
{%- endcase %}
  thresholds: {
    http_req_failed: [{ threshold: 'rate<{{ max_error_rate }}', abortOnFail: true, delayAbortEval: '30s' }],
    http_req_duration: ['p(95)<{{ p95_ms }}', 'p(99)<{{ p95_ms | times: 2 }}'],
    'http_req_duration{endpoint:list}': ['p(95)<{{ p95_ms }}'],
    'http_req_duration{endpoint:item}': ['p(95)<{{ p95_ms }}'],
    journey_errors: ['rate<{{ max_error_rate }}'],
    checks: ['rate>0.99'],
  },
  tags: { profile: '{{ profile }}' },
}

export function setup() {
  const health = http.get(`${BASE_URL}/health`, { tags: { endpoint: 'health' } })
  if (health.status !== 200) {
    throw new Error(`${BASE_URL}/health answered ${health.status}: not starting the test`)
  }
{%- if auth == 'bearer_login' %}
  return { token: login(BASE_URL) }
{%- else %}
  return {}
{%- endif %}
}

export default function (data) {
  const params = {
{%- if auth == 'bearer_login' %}
    headers: { Authorization: `Bearer ${data.token}`, Accept: 'application/json' },
{%- else %}
    headers: { Accept: 'application/json' },
{%- endif %}
  }
  // 80% of users browse, 20% look at one item in detail.
  if (pick(0.8)) {
    group('browse', () => {
      const list = http.get(`${BASE_URL}/api/items?limit=20`, { ...params, tags: { endpoint: 'list' } })
      const ok = check(list, {
        'list: status 200': (r) => r.status === 200,
        'list: is JSON': (r) => String(r.headers['Content-Type']).includes('application/json'),
      })
      journeyErrors.add(!ok)
    })
  } else {
    group('item detail', () => {
      const id = Math.floor(Math.random() * 100) + 1
      const item = http.get(`${BASE_URL}/api/items/${id}`, { ...params, tags: { endpoint: 'item' } })
      const ok = check(item, {
        'item: status 200 or 404': (r) => r.status === 200 || r.status === 404,
      })
      itemLatency.add(item.timings.duration)
      journeyErrors.add(!ok)
    })
  }
  sleep(thinkTime())
}

// A machine-readable summary for CI next to k6's usual text output.
export function handleSummary(data) {
  return {
    'summary.json': JSON.stringify(data, null, 2),
    stdout: `\n${data.root_group.name || 'load test'}: ${data.metrics.http_reqs.values.count} requests, ` +
      `p95 ${Math.round(data.metrics.http_req_duration.values['p(95)'])} ms\n`,
  }
}
