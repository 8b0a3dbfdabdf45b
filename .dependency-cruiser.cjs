/* global module */
/**
 * The layers of maestro-tpl (docs/architecture.md "Layers"), checked by `npm run lint`.
 *
 * Dependencies point one way, from the front ends down to the domain:
 *
 *   commands/ → src/cli/ → src/registry/, src/server/, src/client/, src/sync/, src/web/
 *     → services: src/auth/, src/events/, src/quality/, src/render/, src/sandbox/, src/archive/, src/ui/, src/update/, src/workflows/
 *     → adapters: src/db/, src/store/, src/cache/
 *     → src/config.ts → src/domain/
 *
 * A folder may import folders of its own layer, but never in a cycle (no-folder-cycles),
 * and never a folder of a layer above it (the layer rules below).
 */
const FRONT = '^src/(registry|server|client|sync|web)/'
const SERVICES = '^src/(auth|events|quality|render|sandbox|archive|ui|update|workflows)/'
const ADAPTERS = '^src/(db|store|cache)/'
const CONFIG = '^src/config[.]ts$'
const DOMAIN = '^src/domain/'

/** Everything of ours above a layer: what that layer must not import. */
const ABOVE = {
  domain: [CONFIG, ADAPTERS, SERVICES, FRONT, '^src/cli/', '^src/index[.]ts$', '^commands/'],
  config: [ADAPTERS, SERVICES, FRONT, '^src/cli/', '^src/index[.]ts$', '^commands/'],
  adapters: [SERVICES, FRONT, '^src/cli/', '^src/index[.]ts$', '^commands/'],
  services: [FRONT, '^src/cli/', '^src/index[.]ts$', '^commands/'],
  front: ['^src/cli/', '^src/index[.]ts$', '^commands/'],
  cli: ['^src/index[.]ts$', '^commands/'],
}

const layer = (name, from) => ({
  name: `layer-${name}`,
  comment: `src/${name === 'front' ? 'registry, server, client, sync, web' : name} must not import a layer above it (docs/architecture.md)`,
  severity: 'error',
  from: {path: from},
  to: {path: ABOVE[name]},
})

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      comment:
        'Two folders that import each other are one tangle: move the shared part down (src/domain, src/config.ts)',
      severity: 'error',
      scope: 'folder',
      from: {path: '^(src|commands)/'},
      to: {circular: true},
    },
    layer('domain', DOMAIN),
    layer('config', CONFIG),
    layer('adapters', ADAPTERS),
    layer('services', SERVICES),
    layer('front', FRONT),
    layer('cli', '^src/cli/'),
    {
      name: 'sdk-domain-only',
      comment:
        'The SDK (packages/client) ships on its own with no dependency: of this repository it may use src/domain and the dependency-free tar writer (src/archive/tar) only',
      severity: 'error',
      from: {path: '^packages/client/'},
      to: {path: '^(src|commands)/', pathNot: [DOMAIN, '^src/archive/tar/']},
    },
    {
      name: 'no-unknown-folder',
      comment:
        'Every folder of src/ has a layer: add a new one to the layers above and to docs/architecture.md',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [FRONT, SERVICES, ADAPTERS, CONFIG, DOMAIN, '^src/cli/', '^src/index[.]ts$'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '^(node_modules|dist)/'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
  },
}
