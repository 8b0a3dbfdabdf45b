/**
 * Workflows in the catalog: the list, a workflow's page (README, parameters, steps,
 * commands), the "run this workflow" form (the same parameter form as templates) with
 * its dry-run preview, and an execution's live page: each step's state and logs follow
 * the execution's server-sent events (web.js), and the result is there to download.
 */
import type {DryRunResult, WorkflowDetail, WorkflowSummary} from '../../workflows/runtime.js'
import type {ExecutionRecord, StepRecord} from '../../workflows/types.js'
import {attr, html} from '../html.js'
import type {Html} from '../html.js'
import {renderMarkdown} from '../markdown.js'
import {scoreBadge} from './catalog.js'
import {executionPath, workflowPath} from './paths.js'
import {codeView, dateTime, parametersTable, shellQuote, shown} from './template.js'
import {parameterForm, signInFirst} from './use.js'
import type {ParameterFormData} from './use.js'

export const WORKFLOW_PAGE_SIZE = 24

export interface WorkflowListData {
  q: string
  page: number
  result: {items: WorkflowSummary[]; total: number}
}

/** The list of workflows, searchable by words. */
export function workflowsBody(data: WorkflowListData): Html {
  const {q, page, result} = data
  const pages = Math.max(1, Math.ceil(result.total / WORKFLOW_PAGE_SIZE))
  const href = (p: number) =>
    `/workflows?${new URLSearchParams({...(q ? {q} : {}), page: String(p)}).toString()}`
  return html`<h1>Workflows</h1>
    <p class="lead">
      A workflow makes a whole project in one go: several templates, files and checks, run as steps.
    </p>
    <form class="search" method="get" action="/workflows" role="search">
      <div class="field wide">
        <label for="wq">Search workflows</label>
        <input id="wq" name="q" type="search" value="${q}" autocomplete="off" />
      </div>
      <div class="field actions"><button type="submit">Search</button></div>
    </form>
    <section id="results" aria-label="Workflows">
      <p class="count" id="result-count" role="status">
        ${result.total} ${result.total === 1 ? 'workflow' : 'workflows'}
      </p>
      ${result.items.length === 0 ? html`<p class="empty">No workflow matches.</p>` : ''}
      <ul class="cards">
        ${result.items.map((w) => {
          const id = `w-${w.id}`
          return html`<li class="card">
            <article aria-labelledby="${id}">
              <h3 id="${id}"><a href="${workflowPath(w.namespace, w.name)}">${w.name}</a></h3>
              <p class="desc">${w.description}</p>
              <p class="meta">
                ${scoreBadge(w.quality_score)} <span>v${w.version}</span>
                ${w.namespace === 'public' ? '' : html`<span class="ns">${w.namespace}</span>`}
              </p>
              <ul class="tags" aria-label="Tags">
                ${w.tags.map((t) => html`<li>${t}</li>`)}
              </ul>
            </article>
          </li>`
        })}
      </ul>
      ${
        pages > 1
          ? html`<nav class="paging" aria-label="Pages">
              ${page > 1 ? html`<a rel="prev" href="${href(page - 1)}">Previous</a>` : ''}
              <span>Page ${page} of ${pages}</span>
              ${page < pages ? html`<a rel="next" href="${href(page + 1)}">Next</a>` : ''}
            </nav>`
          : ''
      }
    </section>`
}

function stepsList(workflow: WorkflowDetail): Html {
  return html`<ol class="steps">
    ${workflow.definition.steps.map((s) => {
      const template =
        s.uses === 'template' && typeof s.with.template === 'string' ? s.with.template : undefined
      return html`<li>
        <strong>${s.name ?? s.id}</strong> <span class="tag">${s.uses}</span>
        ${template ? html`<code>${template}</code>` : ''}
        ${s.if ? html`<span class="muted">only when <code>${s.if}</code></span>` : ''}
      </li>`
    })}
  </ol>`
}

function commands(workflow: WorkflowDetail, origin: string, needsToken: boolean): Html {
  const ref = `${workflow.namespace === 'public' ? '' : `${workflow.namespace}/`}${workflow.name}@${workflow.version}`
  const cli = `maestro-tpl workflow run ${shellQuote(ref)} ./${workflow.name} --remote ${shellQuote(origin)} --defaults`
  const auth = needsToken ? ` -H "Authorization: Bearer $MAESTRO_TOKEN"` : ''
  const curl = `curl -fsS -X POST ${shellQuote(`${origin}/api/v1/workflows/${workflow.id}/execute`)}${auth} -H 'Content-Type: application/json' -d '{"parameters": {}}'`
  return html`<h3 id="cmd-cli">With the CLI</h3>
    <pre class="cmd" tabindex="0" aria-labelledby="cmd-cli"><code>${cli}</code></pre>
    <h3 id="cmd-curl">With curl</h3>
    <pre class="cmd" tabindex="0" aria-labelledby="cmd-curl"><code>${curl}</code></pre>
    <p class="muted">
      curl answers 202 with the execution's URL; follow it with <code>/events</code> and fetch
      <code>/result</code> when it has succeeded.
    </p>`
}

/** A workflow's page. */
export function workflowBody(workflow: WorkflowDetail, origin: string, needsToken: boolean): Html {
  const base = workflowPath(workflow.namespace, workflow.name)
  const d = workflow.definition
  return html`<nav aria-label="Breadcrumb" class="crumbs">
      <a href="/workflows">Workflows</a> › <span aria-current="page">${workflow.name}</span>
    </nav>
    <div class="title-row">
      <h1>${workflow.name} <span class="version">v${workflow.version}</span></h1>
      <a class="button primary" href="${base}/run">Run this workflow</a>
    </div>
    <p class="lead">${workflow.description}</p>
    <p class="meta">
      ${workflow.quality_score === null ? '' : html`<span>score ${workflow.quality_score}</span>`}
      <span>by ${d.author}</span> ${d.license ? html`<span>${d.license}</span>` : ''}
      <span>updated ${dateTime(workflow.updated_at)}</span> <span>${workflow.namespace}</span>
    </p>
    <nav class="toc" aria-label="On this page">
      <a href="#readme">README</a> <a href="#parameters">Parameters</a> <a href="#steps">Steps</a>
      <a href="#run">Run it</a>
    </nav>
    <section aria-labelledby="readme">
      <h2 id="readme">README</h2>
      <div class="readme">
        ${workflow.readme.trim() === '' ? html`<p>No README.</p>` : renderMarkdown(workflow.readme)}
      </div>
    </section>
    <section aria-labelledby="parameters">
      <h2 id="parameters">Parameters</h2>
      ${parametersTable(d.parameters)}
    </section>
    <section aria-labelledby="steps">
      <h2 id="steps">Steps</h2>
      ${stepsList(workflow)}
    </section>
    <section aria-labelledby="run">
      <h2 id="run">Run it</h2>
      <p><a class="button primary" href="${base}/run">Fill in the form</a> to preview and run it, or:</p>
      ${commands(workflow, origin, needsToken)}
    </section>`
}

export interface RunPageData extends ParameterFormData {
  workflow: WorkflowDetail
  dryRun: DryRunResult | undefined
}

function dryRunSection(result: DryRunResult | undefined): Html {
  if (!result) return html``
  return html`<section aria-labelledby="preview-title" id="preview">
    <h2 id="preview-title">Dry run: ${result.state}, ${result.files.length} files</h2>
    <p>Nothing was stored: this is what an execution would do.</p>
    ${result.error ? html`<p class="alert" role="alert">${result.error.message}</p>` : ''}
    <ol class="steps">
      ${result.steps.map(
        (s) =>
          html`<li>
            <strong>${s.id}</strong> <span class="tag">${s.uses}</span>
            <span class="state" data-state="${s.state}">${s.state}</span>
            ${s.error ? html`<span class="error-text">${s.error.message}</span>` : ''}
          </li>`,
      )}
    </ol>
    <ul class="preview-files">
      ${result.files.map((f, i) => {
        const headingId = `file-${i}`
        return html`<li>
          <details>
            <summary id="${headingId}">${f.path} <span class="muted">${f.size} B</span></summary>
            ${
              f.preview === undefined
                ? html`<p>Binary file.</p>`
                : html`${codeView(f.path, new TextEncoder().encode(f.preview), headingId)}${
                    f.preview.length < f.size
                      ? html`<p class="muted">The first ${f.preview.length} characters.</p>`
                      : ''
                  }`
            }
          </details>
        </li>`
      })}
    </ul>
  </section>`
}

/** "Run this workflow": the form, and the dry run when one was asked for. */
export function runBody(data: RunPageData): Html {
  const {workflow} = data
  const base = workflowPath(workflow.namespace, workflow.name)
  const formError = data.errors['']
  return html`<nav aria-label="Breadcrumb" class="crumbs">
      <a href="/workflows">Workflows</a> › <a href="${base}">${workflow.name}</a> ›
      <span aria-current="page">Run</span>
    </nav>
    <h1>Run ${workflow.name} <span class="version">v${workflow.version}</span></h1>
    <p class="lead">${workflow.description}</p>
    ${formError ? html`<div class="alert" role="alert">${formError}</div>` : ''}
    ${signInFirst(data, 'dry runs and executions')}
    ${parameterForm(workflow.definition.parameters, data, `${base}/run`, [
      {action: 'run', label: 'Run', primary: true},
      {action: 'preview', label: 'Dry run'},
    ])}
    ${dryRunSection(data.dryRun)}`
}

const FINISHED = new Set(['succeeded', 'failed', 'cancelled'])

function stepItem(step: StepRecord): Html {
  return html`<li class="step" data-step="${step.id}">
    <h3>
      ${step.name} <span class="tag">${step.uses}</span>
      <span class="state" data-state="${step.state}">${step.state}</span>
    </h3>
    <p class="error-text" ${attr('hidden', !step.error)}>${step.error?.message ?? ''}</p>
    <ol class="logs" aria-label="Log of ${step.name}">
      ${step.logs.map((l) => html`<li class="log ${l.level}">${l.message}</li>`)}
    </ol>
  </li>`
}

/**
 * An execution as it is now; `data-events` is where web.js follows it from (after the
 * last event this page already shows), so steps move on without a reload.
 */
export function executionBody(record: ExecutionRecord, lastSeq: number): Html {
  const path = executionPath(record.id)
  const done = FINISHED.has(record.state)
  const answers = Object.entries(record.parameters)
  return html`<nav aria-label="Breadcrumb" class="crumbs">
      <a href="/workflows">Workflows</a> › <span aria-current="page">Execution</span>
    </nav>
    <h1>${record.workflow} <span class="version">v${record.version}</span></h1>
    <div
      class="execution"
      data-execution
      data-events="${path}/events?after=${lastSeq}"
      data-state="${record.state}"
    >
      <p class="exec-state">
        Execution <code>${record.id}</code>:
        <strong id="exec-state" role="status" data-state="${record.state}">${record.state}</strong>
        <span class="muted">started by ${record.created_by}, ${dateTime(record.created_at)}</span>
      </p>
      <p class="alert" id="exec-error" role="alert" ${attr('hidden', !record.error)}>
        ${record.error?.message ?? ''}
      </p>
      <section aria-labelledby="result-title" id="result" ${attr('hidden', record.state !== 'succeeded')}>
        <h2 id="result-title">Result</h2>
        <p>
          <a class="button primary" href="${path}/result?format=zip" download>Download .zip</a>
          <a class="button" href="${path}/result?format=tar.gz" download>Download .tar.gz</a>
        </p>
      </section>
      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Steps</h2>
        <ol class="exec-steps">
          ${record.steps.map(stepItem)}
        </ol>
      </section>
      ${
        answers.length > 0
          ? html`<section aria-labelledby="answers-title">
              <h2 id="answers-title">Answers</h2>
              <dl class="answers">
                ${answers.map(
                  ([k, v]) =>
                    html`<dt>${k}</dt>
                      <dd><code>${shown(v)}</code></dd>`,
                )}
              </dl>
            </section>`
          : ''
      }
      ${done ? '' : html`<p class="muted" id="exec-live">This page follows the execution as it runs.</p>`}
    </div>`
}
