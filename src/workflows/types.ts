/** The workflow contracts live in the domain (src/domain/workflow.ts), where the CLI's views reach them too. */
export * from '../domain/workflow.js'
