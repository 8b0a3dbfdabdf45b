import {describe, expect, it} from 'vitest'

import {GitStore} from '../../../src/store/git-store.js'
import {decode, fsck, git, tempDir, templateFiles} from './support.js'

const CATEGORIES = [
  'backend_developer',
  'devops_engineer',
  'frontend_developer',
  'qa_engineer',
  'maestro-curated',
]
const COUNT = 100
const categoryOf = (i: number) => CATEGORIES[i % CATEGORIES.length] as string

describe('publishing many templates', () => {
  it(`keeps ${COUNT} templates readable, listed and consistent for git`, async () => {
    const store = new GitStore(tempDir())
    const repo = store.repo('public')
    await repo.init()
    const commits: string[] = []
    for (let i = 0; i < COUNT; i++) {
      const name = `template-${i}`
      const category = categoryOf(i)
      const result = await repo.withLock(() =>
        repo.commit({
          operation: 'create',
          name,
          version: '1.0.0',
          path: `${category}/${name}`,
          files: templateFiles(name, '1.0.0', {[`files/${name}.txt`]: name}, category),
        }),
      )
      expect(result.parent).toBe(commits.at(-1) ?? null)
      commits.push(result.commit)
    }
    // A few updates and deletes once the store is full.
    await repo.commit({
      operation: 'update',
      name: 'template-7',
      version: '1.1.0',
      path: `${categoryOf(7)}/template-7`,
      files: templateFiles('template-7', '1.1.0', {}, categoryOf(7)),
    })
    await repo.commit({operation: 'delete', name: 'template-8', path: `${categoryOf(8)}/template-8`})

    const head = (await repo.head()) as string
    const listed = await repo.listTemplates(head)
    expect(listed).toHaveLength(COUNT - 1)
    expect(listed.map((t) => t.path)).not.toContain(`${categoryOf(8)}/template-8`)
    // Every template reads back at the commit that created it and at the head.
    for (let i = 0; i < COUNT; i += 9) {
      const name = `template-${i}`
      const path = `${categoryOf(i)}/${name}`
      const atCreation = await repo.readTemplate(commits[i] as string, path)
      expect(decode(atCreation.get(`files/${name}.txt`))).toBe(name)
      if (i !== 8) expect((await repo.readTemplate(head, path)).size).toBeGreaterThanOrEqual(5)
    }
    expect(
      decode((await repo.readTemplate(head, `${categoryOf(7)}/template-7`)).get('manifest.yaml')),
    ).toContain('1.1.0')
    await expect(repo.readTemplate(head, `${categoryOf(8)}/template-8`)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })

    const log = await repo.log()
    expect(log).toHaveLength(COUNT + 2)
    expect((await repo.log({since: commits[COUNT - 1] as string})).map((c) => c.trailers.operation)).toEqual([
      'update',
      'delete',
    ])
    expect(git(repo.dir, 'rev-list', '--count', 'main').trim()).toBe(String(COUNT + 2))
    expect(
      git(repo.dir, 'ls-tree', '-d', '--name-only', 'main:maestro-curated').trim().split('\n'),
    ).toHaveLength(COUNT / 5)
    fsck(repo.dir)
  })
})
