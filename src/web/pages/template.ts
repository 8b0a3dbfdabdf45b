/**
 * A template's page: what it is, its README (rendered safely), parameters, versions with
 * dates, the quality report, the file tree with a code view, and the commands to use it.
 */
import type {AnswerValue, Parameter, VersionInfo} from '../../domain/types.js'
import type {QualityReport} from '../../quality/types.js'
import type {TemplateDetail} from '../../registry/types.js'
import {attr, html} from '../html.js'
import type {Html} from '../html.js'
import {renderMarkdown} from '../markdown.js'
import {categoryLabel} from './catalog.js'
import {templatePath} from './paths.js'

/** Code views stop here: a page is no place for megabytes. */
const CODE_VIEW_BYTES = 256 * 1024

export interface TemplatePageData {
  detail: TemplateDetail
  /** True when the URL pinned this version; links then keep it. */
  pinned: boolean
  versions: VersionInfo[]
  /** Times the template was used (instantiated). */
  uses: number
  report: QualityReport | null
  /** The file shown in the code view, when one was picked. */
  file: {path: string; bytes: Uint8Array} | undefined
  /** The daemon's address as the browser reached it, for the commands. */
  origin: string
  /** Whether using a template needs a token (RBAC on). */
  needsToken: boolean
}

/** A date as people read it, with the exact time for machines. */
export function dateTime(iso: string): Html {
  const date = new Date(iso)
  const shown = Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10)
  return html`<time datetime="${iso}">${shown}</time>`
}

function parameterType(p: Parameter): string {
  if (p.type === 'choice' || p.type === 'multichoice') return `${p.type}: ${(p.choices ?? []).join(' | ')}`
  const bounds = p.min !== undefined || p.max !== undefined ? ` (${p.min ?? ''}..${p.max ?? ''})` : ''
  return `${p.type}${bounds}`
}

/** Shows a value as YAML would: strings plain, lists comma-separated. */
export function shown(value: AnswerValue | undefined): string {
  if (value === undefined) return ''
  if (Array.isArray(value)) return value.join(', ')
  return String(value)
}

export function parametersTable(params: readonly Parameter[]): Html {
  if (params.length === 0) return html`<p>There are no parameters.</p>`
  return html`<div class="scroll" tabindex="0" role="region" aria-label="Parameters table">
    <table>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Default</th>
          <th scope="col">Description</th>
          <th scope="col">Shown when</th>
        </tr>
      </thead>
      <tbody>
        ${params.map(
          (p) =>
            html`<tr>
              <th scope="row">
                <code>${p.name}</code>${p.secret ? html` <span class="tag">secret</span>` : ''}${
                  (p.required ?? p.default === undefined) ? html` <span class="tag">required</span>` : ''
                }
              </th>
              <td>${parameterType(p)}${p.pattern ? html`<br /><code>${p.pattern}</code>` : ''}</td>
              <td>${p.default === undefined ? '' : html`<code>${shown(p.default)}</code>`}</td>
              <td>${p.description ?? ''}</td>
              <td>${p.when ? html`<code>${p.when}</code>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

function versionsList(detail: TemplateDetail, versions: VersionInfo[]): Html {
  return html`<ol class="versions">
    ${versions.map(
      (v) =>
        html`<li>
          <a
            href="${templatePath(detail.namespace, detail.name, v.version)}"
            ${attr('aria-current', v.version === detail.version ? 'true' : undefined)}
            >${v.version}</a
          >
          ${dateTime(v.created_at)} <span class="muted">${v.message}</span>${
            v.quality_score === null ? '' : html` <span class="muted">score ${v.quality_score}</span>`
          }
        </li>`,
    )}
  </ol>`
}

const STATUS_WORDS = {pass: 'passed', warning: 'warning', fail: 'failed'} as const

function qualitySection(report: QualityReport | null): Html {
  if (!report) return html`<p>The quality report could not be computed right now.</p>`
  return html`<p class="score-line">
      Score <strong>${report.score}</strong> / 100 (minimum ${report.minScore}):
      ${
        report.passed ? 'passes' : 'below the minimum'
      }${report.cap ? html`; capped at ${report.cap.score} by ${report.cap.rules.join(', ')}` : ''}
    </p>
    <ul class="checks">
      ${report.checks.map(
        (c) =>
          html`<li class="check ${c.status}">
            <h3>
              ${c.title} <span class="status">${STATUS_WORDS[c.status]}</span>
              <span class="muted">${c.points} / ${c.weight} points</span>
            </h3>
            ${
              c.findings.length > 0
                ? html`<ul>
                    ${c.findings.map(
                      (f) =>
                        html`<li>
                          ${f.message}${f.file ? html` <span class="muted">(${f.file}${f.line ? `:${f.line}` : ''})</span>` : ''}
                        </li>`,
                    )}
                  </ul>`
                : ''
            }
            ${
              c.recommendations.length > 0
                ? html`<p class="rec-title">Recommendations</p>
                    <ul class="recs">
                      ${c.recommendations.map((r) => html`<li>${r}</li>`)}
                    </ul>`
                : ''
            }
          </li>`,
      )}
    </ul>`
}

interface TreeNode {
  dirs: Map<string, TreeNode>
  files: {name: string; path: string; size: number}[]
}

function buildTree(files: TemplateDetail['files']): TreeNode {
  const root: TreeNode = {dirs: new Map(), files: []}
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const parts = f.path.split('/')
    let node = root
    for (const dir of parts.slice(0, -1)) {
      let next = node.dirs.get(dir)
      if (!next) node.dirs.set(dir, (next = {dirs: new Map(), files: []}))
      node = next
    }
    node.files.push({name: parts.at(-1)!, path: f.path, size: f.size})
  }
  return root
}

function treeList(node: TreeNode, base: string, current: string | undefined): Html {
  return html`<ul>
    ${[...node.dirs].map(
      ([name, child]) => html`<li class="dir"><span>${name}/</span>${treeList(child, base, current)}</li>`,
    )}${node.files.map(
      (f) =>
        html`<li>
          <a
            href="${base}?file=${encodeURIComponent(f.path)}#code"
            ${attr('aria-current', f.path === current ? 'true' : undefined)}
            >${f.name}</a
          >
          <span class="muted">${f.size} B</span>
        </li>`,
    )}
  </ul>`
}

/** Text of a file for the code view, or why it is not shown. */
function codeText(bytes: Uint8Array): {text: string} | {reason: string} {
  if (bytes.byteLength > CODE_VIEW_BYTES) return {reason: `${bytes.byteLength} bytes: too large to show here`}
  if (bytes.subarray(0, 8000).includes(0)) return {reason: `binary file, ${bytes.byteLength} bytes`}
  return {text: new TextDecoder().decode(bytes)}
}

/** A file's contents with line numbers (a table, so screen readers and copy both work). */
export function codeView(path: string, bytes: Uint8Array, headingId: string): Html {
  const content = codeText(bytes)
  if ('reason' in content) return html`<p>${content.reason}.</p>`
  const lines = content.text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return html`<div class="code" tabindex="0" role="region" aria-labelledby="${headingId}">
      <table class="lines">
        <tbody>
          ${lines.map(
            (line, i) =>
              html`<tr>
                <td class="ln" aria-hidden="true">${i + 1}</td>
                <td><code>${line}</code></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="sr-only">${path}, ${lines.length} lines</p>`
}

export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`
}

function commands(data: TemplatePageData): Html {
  const {detail} = data
  const ref = `${detail.namespace === 'public' ? '' : `${detail.namespace}/`}${detail.name}@${detail.version}`
  const cli = `maestro-tpl instantiate ${shellQuote(ref)} ./${detail.name} --remote ${shellQuote(data.origin)} --defaults`
  const auth = data.needsToken ? ` -H "Authorization: Bearer $MAESTRO_TOKEN"` : ''
  const url = `${data.origin}/api/v1/templates/${detail.id}/instantiate?version=${encodeURIComponent(detail.version)}`
  const curl = `curl -fsS -X POST ${shellQuote(url)}${auth} -H 'Content-Type: application/json' -d '{"format": "zip"}' -o ${detail.name}.zip`
  return html`<h3 id="cmd-cli">With the CLI</h3>
    <pre class="cmd" tabindex="0" aria-labelledby="cmd-cli"><code>${cli}</code></pre>
    <h3 id="cmd-curl">With curl</h3>
    <pre class="cmd" tabindex="0" aria-labelledby="cmd-curl"><code>${curl}</code></pre>`
}

/** The template page's main content. */
export function templateBody(data: TemplatePageData): Html {
  const {detail} = data
  const base = templatePath(detail.namespace, detail.name, data.pinned ? detail.version : undefined)
  const manifest = detail.manifest
  return html`<nav aria-label="Breadcrumb" class="crumbs">
      <a href="/">Catalog</a> ›
      <a href="/?category=${encodeURIComponent(detail.category)}">${categoryLabel(detail.category)}</a> ›
      <span aria-current="page">${detail.name}</span>
    </nav>
    <div class="title-row">
      <h1>${detail.name} <span class="version">v${detail.version}</span></h1>
      <a class="button primary" href="${base}/use">Use this template</a>
    </div>
    <p class="lead">${detail.description}</p>
    <p class="meta">
      ${detail.quality_score === null ? '' : html`<span>score ${detail.quality_score}</span>`}
      <span>by ${detail.author}</span>
      <span>${data.uses} ${data.uses === 1 ? 'use' : 'uses'}</span>
      ${manifest.license ? html`<span>${manifest.license}</span>` : ''}
      <span>updated ${dateTime(detail.updated_at)}</span>
      <span>${detail.namespace}</span>
    </p>
    <ul class="tags" aria-label="Tags">
      ${detail.tags.map((t) => html`<li><a href="/?tag=${encodeURIComponent(t)}">${t}</a></li>`)}
    </ul>
    <nav class="toc" aria-label="On this page">
      <a href="#readme">README</a> <a href="#parameters">Parameters</a> <a href="#versions">Versions</a>
      <a href="#quality">Quality</a> <a href="#files">Files</a> <a href="#use">Use it</a>
    </nav>
    <section aria-labelledby="readme">
      <h2 id="readme">README</h2>
      <div class="readme">
        ${detail.readme.trim() === '' ? html`<p>No README.</p>` : renderMarkdown(detail.readme)}
      </div>
    </section>
    <section aria-labelledby="parameters">
      <h2 id="parameters">Parameters</h2>
      ${parametersTable(manifest.parameters)}
    </section>
    <section aria-labelledby="versions">
      <h2 id="versions">Versions</h2>
      ${versionsList(detail, data.versions)}
    </section>
    <section aria-labelledby="quality">
      <h2 id="quality">Quality</h2>
      ${qualitySection(data.report)}
    </section>
    <section aria-labelledby="files">
      <h2 id="files">Files</h2>
      <div class="files">
        <nav class="tree" aria-label="File tree">
          ${treeList(buildTree(detail.files), base, data.file?.path)}
        </nav>
        <div class="viewer">
          ${
            data.file
              ? html`<h3 id="code">${data.file.path}</h3>
                  ${codeView(data.file.path, data.file.bytes, 'code')}`
              : html`<p id="code">Pick a file to see its contents.</p>`
          }
        </div>
      </div>
    </section>
    <section aria-labelledby="use">
      <h2 id="use">Use it</h2>
      <p>
        <a class="button primary" href="${base}/use">Fill in the form</a> to preview and download the project,
        or:
      </p>
      ${commands(data)}
    </section>`
}
