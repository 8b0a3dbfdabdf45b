/**
 * Names that are also the names of Object.prototype's members (`__proto__`,
 * `constructor`, `prototype`, `toString`, `hasOwnProperty`), used as file names and as
 * parameter names, on every path that keys an object by them: answers and defaults,
 * rendering, the JSON answers of the daemon (instantiate, files), its archives, the SDK,
 * and the CLI writing a project it got with --remote.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {TemplateClient} from '../../../src/client/index.js'
import {encodeFiles} from '../../../src/domain/wire.js'
import {resolveAnswers} from '../../../src/render/answers.js'
import type {Parameter} from '../../../src/domain/types.js'
import {BIN} from '../../helpers/command.js'
import {tempDir} from '../../helpers/temp.js'
import {startTestServer, templateFiles} from './support.js'

const NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']
/** Parameter names are lowercase and do not start with `__` (the manifest refuses the others). */
const PARAMETERS = ['constructor', 'prototype']

/** A template with a file named after each member (at the top and in a folder), and a parameter for each. */
function prototypeTemplate(): Map<string, Uint8Array> {
  const files = templateFiles({name: 'proto-names'})
  const encoder = new TextEncoder()
  const manifest = parse(new TextDecoder().decode(files.get('manifest.yaml'))) as {parameters: Parameter[]}
  for (const name of PARAMETERS)
    manifest.parameters.push({
      name,
      type: 'string',
      description: `the ${name} word`,
      default: `${name}-default`,
    })
  files.set('manifest.yaml', encoder.encode(stringify(manifest)))
  for (const name of NAMES) {
    const content = `${name}: ${PARAMETERS.map((p) => `{{ ${p} }}`).join(' ')}\n`
    files.set(`files/${name}`, encoder.encode(content))
    files.set(`files/nested/${name}`, encoder.encode(content))
  }
  return files
}

const EXPECTED_CONTENT = (name: string) => `${name}: ${PARAMETERS.map((p) => `${p}-default`).join(' ')}\n`

function expectEveryName(paths: Iterable<string>, prefix = ''): void {
  const list = [...paths]
  for (const name of NAMES) {
    expect(list, name).toContain(`${prefix}${name}`)
    expect(list, name).toContain(`${prefix}nested/${name}`)
  }
}

describe('names of Object.prototype members', () => {
  it('resolves the default of a parameter named constructor (and its kin), not an inherited member', async () => {
    const params: Parameter[] = PARAMETERS.map((name) => ({name, type: 'string', default: `${name}-default`}))
    const answers = await resolveAnswers(params, {}, {useDefaults: true})
    for (const name of PARAMETERS) expect(answers[name], name).toBe(`${name}-default`)
    // Without a default and not required: absent, not Object.prototype's member.
    const optional = await resolveAnswers(
      PARAMETERS.map((name) => ({name, type: 'string', required: false})),
      {},
      {useDefaults: true},
    )
    for (const name of PARAMETERS) expect(Object.hasOwn(optional, name), name).toBe(false)
    // Answers for names that are no parameter are refused by name, whatever the name.
    for (const name of NAMES.filter((n) => !PARAMETERS.includes(n))) {
      const provided = Object.defineProperty({}, name, {value: 'x', enumerable: true})
      await expect(resolveAnswers(params, provided), name).rejects.toThrow(
        new RegExp(`unknown answer "${name}"`),
      )
    }
  })

  it('keeps every such file and answer through the daemon, its archives, the SDK and the CLI', async () => {
    const server = await startTestServer()
    const published = await server.api('/api/v1/templates', {json: {files: encodeFiles(prototypeTemplate())}})
    expect(published.status, await published.clone().text()).toBe(201)

    // GET .../files: the template's own files by name.
    const listed = (await (await server.api('/api/v1/templates/proto-names/files')).json()) as {
      files: Record<string, unknown>
    }
    expectEveryName(Object.keys(listed.files), 'files/')
    const client = new TemplateClient({baseUrl: server.url})
    expectEveryName((await client.files('proto-names')).files.keys(), 'files/')

    // format=json instantiate: every rendered file, and the answers by parameter name.
    const res = await server.api('/api/v1/templates/proto-names/instantiate', {json: {format: 'json'}})
    const body = (await res.json()) as {files: Record<string, string>; answers: Record<string, unknown>}
    expect(res.status).toBe(200)
    expectEveryName(Object.keys(body.files))
    for (const name of NAMES)
      expect(Buffer.from(body.files[name]!, 'base64').toString()).toBe(EXPECTED_CONTENT(name))
    for (const name of PARAMETERS) expect(body.answers[name], name).toBe(`${name}-default`)
    const answersFile = parse(Buffer.from(body.files['.maestro-answers.yaml']!, 'base64').toString())
    for (const name of PARAMETERS) expect(answersFile.answers[name], name).toBe(`${name}-default`)

    // The SDK's project map.
    const project = await client.instantiate('proto-names', {})
    expectEveryName((project as {files: Map<string, Uint8Array>}).files.keys())

    // Archives, with and without a top folder.
    for (const root of ['', 'app']) {
      const prefix = root ? `${root}/` : ''
      const tar = await server.api('/api/v1/templates/proto-names/instantiate', {
        json: {format: 'tar.gz', root},
      })
      const archive = join(tempDir(), 'project.tar.gz')
      writeFileSync(archive, Buffer.from(await tar.arrayBuffer()))
      expectEveryName(execFileSync('tar', ['-tzf', archive], {encoding: 'utf8'}).split('\n'), prefix)
      const zip = await server.api('/api/v1/templates/proto-names/instantiate', {json: {format: 'zip', root}})
      expect(zip.status, await zip.clone().text()).toBe(200)
      const zipped = join(tempDir(), 'project.zip')
      writeFileSync(zipped, Buffer.from(await zip.arrayBuffer()))
      expectEveryName(execFileSync('zipinfo', ['-1', zipped], {encoding: 'utf8'}).split('\n'), prefix)
    }

    // The built CLI, instantiating from the daemon into a folder.
    const dest = join(tempDir(), 'project')
    const cli = await promisify(execFile)(
      process.execPath,
      [BIN, 'instantiate', 'proto-names', dest, '--defaults', '--remote', server.url],
      {env: {...process.env, NO_COLOR: '1', MAESTRO_HOME: tempDir()}},
    ).catch((err: {stdout: string; stderr: string}) => {
      throw new Error(`${err.stdout}\n${err.stderr}`)
    })
    expect(cli.stderr).not.toMatch(/Error/)
    for (const name of NAMES) {
      expect(existsSync(join(dest, name)), name).toBe(true)
      expect(readFileSync(join(dest, 'nested', name), 'utf8')).toBe(EXPECTED_CONTENT(name))
    }
  })
})
