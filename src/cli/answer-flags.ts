/**
 * The flags that answer a template's parameters, shared by every command that renders
 * (`instantiate`, `workflow run`): one wording, one behaviour. A module of its own so that
 * a command's flag table loads no answer-handling code (see src/cli/answers.ts).
 */
import {Flags} from '@oclif/core'

export const answerFlags = {
  set: Flags.string({
    char: 's',
    description: 'answer a parameter: NAME=VALUE (repeatable)',
    multiple: true,
    multipleNonGreedy: true,
  }),
  answers: Flags.file({char: 'a', description: 'YAML or JSON file of answers', exists: true}),
  defaults: Flags.boolean({
    char: 'd',
    description: 'use defaults for every unanswered parameter without asking',
  }),
}
