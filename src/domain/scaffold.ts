import {stringify} from 'yaml'

import {UsageError} from './errors.js'
import {CATEGORIES, isCategory, type TemplateFiles} from './types.js'

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/

/**
 * A new, valid template skeleton that passes the quality gate as it stands, so the
 * author starts from something publishable and replaces the content.
 *
 * @example
 * ```ts
 * const files = scaffoldTemplate({name: 'my-service', category: 'backend_developer'})
 * files.get('manifest.yaml') // name: my-service ...
 * ```
 */
export function scaffoldTemplate(opts: {name: string; category: string; author?: string}): TemplateFiles {
  if (!NAME.test(opts.name) || opts.name.length > 64) {
    throw new UsageError(
      `${JSON.stringify(opts.name)} is not a valid template name (lowercase words joined by -)`,
    )
  }
  if (!isCategory(opts.category)) {
    throw new UsageError(
      `unknown category ${JSON.stringify(opts.category)}; one of: ${CATEGORIES.join(', ')}`,
    )
  }
  const manifest = {
    name: opts.name,
    version: '0.1.0',
    description: `Starter project generated from the ${opts.name} template, with a README and a configurable name`,
    category: opts.category,
    author: opts.author ?? 'Your Name',
    license: 'MIT',
    tags: ['starter', opts.category.replace(/_/g, '-'), 'maestro-tpl'],
    dependencies: {},
    parameters: [
      {
        name: 'project_name',
        type: 'string',
        description: 'Name of the generated project (lowercase, dashes allowed)',
        default: 'my-project',
        pattern: '^[a-z][a-z0-9-]*$',
        pattern_hint: 'lowercase letters, digits and dashes, starting with a letter',
      },
      {
        name: 'description',
        type: 'string',
        description: 'One sentence saying what the project does',
        default: 'A project generated with maestro-tpl',
      },
      {name: 'include_license', type: 'boolean', description: 'Add an MIT LICENSE file', default: true},
    ],
    files: [{path: 'LICENSE', when: 'include_license'}],
  }
  const readme = `# ${opts.name}

${manifest.description}.

## Usage

\`\`\`sh
maestro-tpl instantiate ${opts.name} ./my-project --set project_name=my-project
\`\`\`

Answer files in \`examples/\` can be passed with \`--answers\`:

\`\`\`sh
maestro-tpl instantiate ${opts.name} ./my-project --answers examples/full.yaml
\`\`\`

## Parameters

| name | type | default | description |
| --- | --- | --- | --- |
| project_name | string | my-project | Name of the generated project |
| description | string | A project generated with maestro-tpl | One sentence saying what the project does |
| include_license | boolean | true | Add an MIT LICENSE file |

## What you get

\`\`\`
my-project/
  README.md
  LICENSE        (when include_license)
\`\`\`

## Next steps

Replace the files under \`files/\` with your project's tree; file and folder names
may use parameters too, e.g. \`files/src/{{ project_name }}/index.ts\`. Check it with
\`maestro-tpl validate .\` and publish it with \`maestro-tpl create .\`.
`
  const encoder = new TextEncoder()
  return new Map<string, Uint8Array>([
    ['manifest.yaml', encoder.encode(stringify(manifest))],
    ['README.md', encoder.encode(readme)],
    ['examples/minimal.yaml', encoder.encode('project_name: demo\n')],
    [
      'examples/full.yaml',
      encoder.encode(
        'project_name: billing-api\ndescription: Bills customers every month\ninclude_license: false\n',
      ),
    ],
    [
      'examples/README.md',
      encoder.encode(
        `# Examples\n\n- \`minimal.yaml\`: only the project name.\n- \`full.yaml\`: every parameter set.\n`,
      ),
    ],
    ['files/README.md', encoder.encode('# {{ project_name }}\n\n{{ description }}\n')],
    [
      'files/LICENSE',
      encoder.encode(
        'MIT License\n\nCopyright (c) {{ maestro.year }} {{ project_name }} authors\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the software without restriction, subject to the conditions of the MIT License.\n',
      ),
    ],
  ])
}
