/**
 * Just enough Markdown structure for the documentation check: headings, sections,
 * fenced code blocks and the prose around them, with 1-based line numbers so that
 * findings can point into README.md. A full CommonMark parser would add a
 * dependency for no gain: READMEs are judged on their outline, not rendered.
 */

export interface Heading {
  level: number
  text: string
  line: number
}

export interface CodeBlock {
  lang: string
  content: string
  /** Line of the opening fence. */
  line: number
}

export interface Section {
  heading: Heading
  /** Lines after the heading up to the next heading of the same or a higher level. */
  body: string
  codeBlocks: CodeBlock[]
}

export interface MarkdownOutline {
  headings: Heading[]
  codeBlocks: CodeBlock[]
  /** Text outside code blocks. */
  prose: string
  sections: Section[]
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/
const ATX = /^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$/
const SETEXT = /^ {0,3}(=+|-+)\s*$/

/**
 * The outline of a Markdown document.
 *
 * @example
 * ```ts
 * const outline = parseMarkdown('# Title\n\n## Usage\n\n```sh\nmaestro-tpl instantiate x out\n```\n')
 * outline.sections.find((s) => s.heading.text === 'Usage')?.codeBlocks.length // 1
 * ```
 */
export function parseMarkdown(text: string): MarkdownOutline {
  const lines = text.split(/\r?\n/)
  const headings: Heading[] = []
  const codeBlocks: CodeBlock[] = []
  const prose: string[] = []
  // Line index → code block starting there, so sections can collect their blocks.
  const blockAt = new Map<number, CodeBlock>()

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const fence = FENCE.exec(line)
    if (fence) {
      const marker = fence[1]!
      const start = i
      const content: string[] = []
      i++
      while (i < lines.length && !closesFence(lines[i]!, marker)) content.push(lines[i++]!)
      const block = {lang: fence[2] ?? '', content: content.join('\n'), line: start + 1}
      codeBlocks.push(block)
      blockAt.set(start, block)
      continue
    }
    const atx = ATX.exec(line)
    if (atx) {
      headings.push({level: atx[1]!.length, text: (atx[2] ?? '').trim(), line: i + 1})
      prose.push(atx[2] ?? '')
      continue
    }
    const next = lines[i + 1]
    // A paragraph line underlined by === or --- is a heading; a --- after a blank line is a rule.
    if (next !== undefined && line.trim() !== '' && SETEXT.test(next) && !FENCE.test(line)) {
      headings.push({level: next.trim().startsWith('=') ? 1 : 2, text: line.trim(), line: i + 1})
      prose.push(line)
      i++
      continue
    }
    prose.push(line)
  }

  const sections = headings.map((heading, h) => {
    const end = headings.slice(h + 1).find((other) => other.level <= heading.level)?.line ?? lines.length + 1
    const blocks: CodeBlock[] = []
    for (let l = heading.line; l < end - 1; l++) {
      const block = blockAt.get(l)
      if (block) blocks.push(block)
    }
    return {heading, body: lines.slice(heading.line, end - 1).join('\n'), codeBlocks: blocks}
  })

  return {headings, codeBlocks, prose: prose.join('\n'), sections}
}

function closesFence(line: string, marker: string): boolean {
  const trimmed = line.trim()
  return trimmed.length >= marker.length && trimmed === marker[0]!.repeat(trimmed.length)
}

/** Words of prose, Markdown punctuation aside. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu)?.length ?? 0
}

/** The first section whose heading matches, shallowest level first. */
export function findSection(outline: MarkdownOutline, pattern: RegExp): Section | undefined {
  const matching = outline.sections.filter((s) => pattern.test(s.heading.text))
  return matching.sort((a, b) => a.heading.level - b.heading.level || a.heading.line - b.heading.line)[0]
}
