/** Small workflow definitions for the tests, over the scaffold template (test/helpers/temp.ts writes it). */
import {encodeFiles} from '../../../src/domain/wire.js'

const utf8 = new TextEncoder()

export const README = `# demo

A workflow the tests run end to end. It renders the adr-repository template into
docs/adr, writes a README and a .env file holding the API token, copies the README
into docs, merges two layers of settings into settings.json, checks a quality gate
and commits everything as one git repository. It exists to exercise every action the
engine offers, a condition that skips a step, outputs that later steps read, and a
secret parameter that must never be stored anywhere by the daemon or the CLI. It is
small on purpose so that a run takes well under a second on a quiet machine, and the
result can be read in a test without a second look at what each step produced.

## Parameters

- \`project\`: the project name written into the README and settings.
- \`api_token\`: a secret written into .env and nowhere else.
- \`skip_notes\`: when true the notes step is skipped.

## Usage

\`\`\`sh
maestro-tpl workflow run demo ./out --defaults
\`\`\`

The result holds:

\`\`\`text
README.md settings.json .env docs/adr/... docs/README.md .git/
\`\`\`
`

/** A folder (workflow.yaml + README + an example) as a map. */
export function workflowFiles(yaml: string): Map<string, Uint8Array> {
  return new Map([
    ['workflow.yaml', utf8.encode(yaml)],
    ['README.md', utf8.encode(README)],
    ['examples/basic.yaml', utf8.encode('project: atlas\n')],
    [
      'examples/README.md',
      utf8.encode('# Examples\n\n- basic.yaml: the project atlas with defaults otherwise.\n'),
    ],
  ])
}

export function workflowUpload(yaml: string) {
  return {files: encodeFiles(workflowFiles(yaml))}
}

/** Every action, a condition that skips, outputs, and a secret parameter. */
export const DEMO = `name: demo
version: 1.0.0
description: Renders adr-repository, writes files, merges settings, checks a gate and commits.
author: Tests
license: MIT
tags: [demo, tests, adr]
parameters:
  - name: project
    type: string
    description: Project name
    default: demo-project
  - name: api_token
    type: string
    secret: true
    description: Token for the API, written into .env only
    default: none-given
  - name: skip_notes
    type: boolean
    description: Leave NOTES.md out
    default: true
steps:
  - id: docs
    uses: template
    with:
      template: adr-repository
      path: docs/adr
      answers:
        project_name: '{{ parameters.project }}'
        adoption_date: '2026-01-01'
  - id: readme
    name: Readme
    uses: file
    with:
      path: README.md
      content: "# {{ parameters.project }}\\n\\nADRs: {{ steps.docs.outputs.files | size }} files\\n"
  - id: env
    uses: file
    with:
      path: .env
      content: "API_TOKEN={{ parameters.api_token }}\\n"
  - id: notes
    if: '{{ parameters.skip_notes == false }}'
    uses: file
    with:
      path: NOTES.md
      content: notes
  - id: copy
    uses: file
    with:
      action: copy
      from: README.md
      path: docs/README.md
  - id: settings
    uses: merge
    with:
      path: settings.json
      value:
        name: '{{ parameters.project }}'
        features: {adr: true, files: '{{ steps.docs.outputs.files | size }}'}
  - id: settings_more
    uses: merge
    with:
      path: settings.json
      value:
        features: {gate: true}
  - id: check
    uses: gate
    with:
      condition: '{{ steps.docs.outputs.files.size > 3 }}'
      min_quality: 70
  - id: repo
    uses: git
    with:
      message: 'Initial commit of {{ parameters.project }}'
outputs:
  commit: '{{ steps.repo.outputs.commit }}'
  adr_files: '{{ steps.docs.outputs.files | size }}'
  notes: '{{ steps.notes.state }}'
  version: '{{ steps.docs.outputs.version }}'
`
