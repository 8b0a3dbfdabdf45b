/**
 * "Use this template": a form generated from the template's typed parameters (the
 * schema the CLI prompts from), the dry-run preview of the files it would generate, and
 * the downloads. Without the script it is a plain form the server validates; with it,
 * `when` conditions show and hide fields live and answers are checked as they are typed.
 */
import type {AnswersState} from '../../render/answers.js'
import type {Parameter} from '../../domain/types.js'
import type {TemplateDetail} from '../../registry/types.js'
import {attr, html} from '../html.js'
import type {Html} from '../html.js'
import type {Visitor} from '../session.js'
import {csrfField} from './layout.js'
import {templatePath} from './paths.js'
import {codeView, shown} from './template.js'

/** A parameter as manifests may write it, with the optional hint shown for its pattern. */
type FormParameter = Parameter & {pattern_hint?: string}

/** Raw form values by parameter name: text, or a list for multichoice. */
export type FormValues = Record<string, string | string[]>

/** What a parameter form shows: the answers so far, what the server made of them, and who asks. */
export interface ParameterFormData {
  visitor: Visitor
  /** May this visitor render or run (template:use)? */
  canUse: boolean
  values: FormValues
  state: AnswersState
  /** Problems the server found on submit (by parameter, or `''` for the form). */
  errors: Record<string, string>
  /** This form's URL with the non-secret answers: a link to share. */
  shareHref: string
}

export interface UsePageData extends ParameterFormData {
  detail: TemplateDetail
  pinned: boolean
  preview: {files: {path: string; bytes: Uint8Array}[]} | undefined
}

function fieldId(name: string): string {
  return `p-${name}`
}

function first(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value.at(-1) ?? '') : (value ?? '')
}

function control(p: FormParameter, data: ParameterFormData, disabled: boolean, describedBy: string): Html {
  const id = fieldId(p.name)
  const value = data.values[p.name]
  const suggested = data.state.suggested[p.name]
  const required = (p.required ?? p.default === undefined) && suggested === undefined
  const common = html`${attr('disabled', disabled)}${attr('aria-describedby', describedBy)}${attr(
    'aria-invalid',
    data.errors[p.name] ? 'true' : undefined,
  )}`
  switch (p.type) {
    case 'boolean': {
      const on = value === undefined ? suggested === true : first(value) === 'true'
      return html`<input type="hidden" name="${p.name}" value="false" ${attr('disabled', disabled)} />
        <input type="checkbox" id="${id}" name="${p.name}" value="true" ${attr('checked', on)}${common} />`
    }
    case 'choice': {
      const chosen = value === undefined ? shown(suggested) : first(value)
      return html`<select id="${id}" name="${p.name}" ${attr('required', required)}${common}>
        ${required && chosen === '' ? html`<option value="">Choose…</option>` : ''}
        ${(p.choices ?? []).map((c) => html`<option value="${c}" ${attr('selected', c === chosen)}>${c}</option>`)}
      </select>`
    }
    case 'multichoice': {
      const chosen = new Set(
        value === undefined
          ? Array.isArray(suggested)
            ? suggested.map(String)
            : []
          : (Array.isArray(value) ? value : [value]).filter((v) => v !== ''),
      )
      return html`<input type="hidden" name="${p.name}" value="" ${attr('disabled', disabled)} /> ${(
          p.choices ?? []
        ).map(
          (c, i) =>
            html`<label class="choice"
              ><input
                type="checkbox"
                name="${p.name}"
                value="${c}"
                id="${id}-${i}"
                ${attr('checked', chosen.has(c))}${common}
              />
              ${c}</label
            >`,
        )}`
    }
    case 'integer':
    case 'number':
      return html`<input
        type="number"
        id="${id}"
        name="${p.name}"
        inputmode="${p.type === 'integer' ? 'numeric' : 'decimal'}"
        step="${p.type === 'integer' ? '1' : 'any'}"
        ${attr('min', p.min)}${attr('max', p.max)}
        value="${first(value)}"
        placeholder="${shown(suggested)}"
        ${attr('required', required)}${common}
      />`
    default:
      return html`<input
        type="${p.secret ? 'password' : 'text'}"
        id="${id}"
        name="${p.name}"
        value="${p.secret ? '' : first(value)}"
        placeholder="${p.secret ? '' : shown(suggested)}"
        autocomplete="${p.secret ? 'new-password' : 'off'}"
        spellcheck="false"
        ${attr('data-pattern', p.pattern)}${attr(
          'minlength',
          p.min,
        )}${attr('maxlength', p.max)}${attr('required', required)}${common}
      />`
  }
}

function field(p: FormParameter, data: ParameterFormData): Html {
  const active = data.state.active.includes(p.name)
  const id = fieldId(p.name)
  const hint = p.pattern_hint ?? (p.pattern ? `must match ${p.pattern}` : undefined)
  const helpId = `${id}-help`
  const errId = `${id}-error`
  const label = p.prompt ?? p.name
  const error = data.errors[p.name]
  const description = p.description ? p.description.replace(/([^.!?])$/, '$1.') : ''
  const help = html`<p class="help" id="${helpId}">
    ${description}${
      hint ? html` <span class="hint">Format: ${hint}.</span>` : ''
    }${p.when ? html` <span>Shown when <code>${p.when}</code>.</span>` : ''}
  </p>`
  const errorLine = html`<p class="error" id="${errId}" ${attr('hidden', !error)}>${error ?? ''}</p>`
  const attrs = html` data-param="${p.name}"
  data-type="${p.type}"${attr('data-hint', p.pattern_hint)}${attr('hidden', !active)}`
  if (p.type === 'multichoice') {
    return html`<fieldset class="param" ${attrs}>
      <legend>${label}</legend>
      ${help}${control(p, data, !active, `${helpId} ${errId}`)}${errorLine}
    </fieldset>`
  }
  const labelFor = html`<label for="${id}"
    >${label}${
      (p.required ?? p.default === undefined) ? html` <span class="req">(required)</span>` : ''
    }</label
  >`
  return html`<div class="param${p.type === 'boolean' ? ' bool' : ''}" ${attrs}>
    ${
      p.type === 'boolean'
        ? html`${control(p, data, !active, `${helpId} ${errId}`)} ${labelFor}`
        : html`${labelFor}${control(p, data, !active, `${helpId} ${errId}`)}`
    }${help}${errorLine}
  </div>`
}

function previewSection(data: UsePageData): Html {
  if (!data.preview) return html``
  const files = data.preview.files
  return html`<section aria-labelledby="preview-title" id="preview">
    <h2 id="preview-title">Preview: ${files.length} files</h2>
    <p>
      Nothing was written: this is what the project would hold.
      <a href="${data.shareHref}">Link to these answers</a>
    </p>
    <ul class="preview-files">
      ${files.map((f, i) => {
        const headingId = `file-${i}`
        return html`<li><details${attr('open', i === 0)}><summary id="${headingId}">${f.path} <span class="muted">${f.bytes.byteLength} B</span></summary>
${codeView(f.path, f.bytes, headingId)}</details></li>`
      })}
    </ul>
  </section>`
}

/** A submit button of a parameter form: `__action` tells the server what to do. */
export interface FormButton {
  action: string
  label: string
  primary?: boolean
}

/**
 * The form generated from typed parameters, for a template ("use") and a workflow ("run")
 * alike: one field per parameter, the share link, the buttons. `base` is the form's URL;
 * its script asks `${base}/state` for shown fields, defaults and problems as you type.
 */
export function parameterForm(
  params: readonly Parameter[],
  data: ParameterFormData,
  base: string,
  buttons: readonly FormButton[],
): Html {
  return html`<form
    method="post"
    action="${base}"
    class="use"
    novalidate
    data-use-form
    data-state-url="${base}/state"
    data-share-base="${base}"
  >
    ${csrfField(data.visitor)}
    ${
      params.length === 0
        ? html`<p>There are no parameters to answer.</p>`
        : (params as FormParameter[]).map((p) => field(p, data))
    }
    <p class="share">
      Share these answers (secrets are left out):
      <a id="share-link" href="${data.shareHref}">${data.shareHref}</a>
    </p>
    <div class="buttons">
      ${buttons.map(
        (b) =>
          html`<button
            type="submit"
            name="__action"
            value="${b.action}"
            ${attr('class', b.primary ? 'primary' : undefined)}
            ${attr('disabled', !data.canUse)}
          >
            ${b.label}
          </button>`,
      )}
    </div>
    <p class="form-status" id="form-status" role="status"></p>
  </form>`
}

/** The line above a form the visitor may fill in but not submit, with the way to sign in. */
export function signInFirst(data: ParameterFormData, what: string): Html {
  if (data.canUse) return html``
  return html`<p class="alert">
    You can fill in the form, but ${what} need an account:
    <a href="/signin?next=${encodeURIComponent(data.shareHref)}">sign in</a>.
  </p>`
}

/** The form page's main content. */
export function useBody(data: UsePageData): Html {
  const {detail} = data
  const base = templatePath(detail.namespace, detail.name, data.pinned ? detail.version : undefined)
  const formError = data.errors['']
  return html`<nav aria-label="Breadcrumb" class="crumbs">
      <a href="/">Catalog</a> › <a href="${base}">${detail.name}</a> › <span aria-current="page">Use</span>
    </nav>
    <h1>Use ${detail.name} <span class="version">v${detail.version}</span></h1>
    <p class="lead">${detail.description}</p>
    ${formError ? html`<div class="alert" role="alert">${formError}</div>` : ''}
    ${signInFirst(data, 'previewing and downloading')}
    ${parameterForm(detail.manifest.parameters, data, `${base}/use`, [
      {action: 'preview', label: 'Preview files', primary: true},
      {action: 'zip', label: 'Download .zip'},
      {action: 'tar.gz', label: 'Download .tar.gz'},
    ])}
    ${previewSection(data)}`
}
