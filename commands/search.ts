import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../src/cli/base-command.js'
import {printSearchResult} from '../src/cli/output.js'
import {CATEGORIES} from '../src/domain/types.js'
import {SEARCH_SORTS} from '../src/registry/types.js'
import type {SearchResult} from '../src/registry/types.js'

export default class Search extends BaseCommand<typeof Search> {
  static override description = 'Search templates by text, category, tag, author and quality score'
  static override examples = [
    '<%= config.bin %> search api',
    '<%= config.bin %> search --category backend_developer --tag python',
    '<%= config.bin %> search react --min-score 80 --json',
    '<%= config.bin %> search --category backend_developer --sort usage',
  ]
  static override args = {
    query: Args.string({description: 'words to search for (the last one matches as a prefix)'}),
  }
  static override flags = {
    category: Flags.option({
      char: 'c',
      description: 'only templates of this category',
      options: CATEGORIES,
    })(),
    tag: Flags.string({
      char: 't',
      description: 'only templates with this tag (repeatable: all must match)',
      multiple: true,
      multipleNonGreedy: true,
    }),
    author: Flags.string({char: 'a', description: 'only templates by this author'}),
    'min-score': Flags.integer({
      description: 'only templates scoring at least this (0-100)',
      min: 0,
      max: 100,
    }),
    sort: Flags.option({
      char: 's',
      description:
        'order of the results: relevance (default with words), name (default without), usage, score or updated',
      options: SEARCH_SORTS,
    })(),
    limit: Flags.integer({char: 'n', description: 'how many results', default: 20, min: 1, max: 100}),
    offset: Flags.integer({description: 'skip this many results', default: 0, min: 0}),
    'exact-total': Flags.boolean({
      description: 'count every match (by default the count stops at 10,000 and shows "10,000+")',
      default: false,
    }),
  }

  async run(): Promise<SearchResult> {
    const {args, flags} = this
    const registry = await this.registry()
    const result = await registry.search({
      ...(args.query ? {text: args.query} : {}),
      ...(flags.category ? {category: flags.category} : {}),
      ...(flags.tag ? {tags: flags.tag} : {}),
      ...(flags.author ? {author: flags.author} : {}),
      ...(flags['min-score'] === undefined ? {} : {minScore: flags['min-score']}),
      ...(flags.sort ? {sort: flags.sort} : {}),
      limit: flags.limit,
      offset: flags.offset,
      ...(flags['exact-total'] ? {exactTotal: true} : {}),
    })
    if (!this.jsonEnabled())
      this.log(printSearchResult(result, flags.category ? {category: flags.category} : {}))
    return result
  }
}
