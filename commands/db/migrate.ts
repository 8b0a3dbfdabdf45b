import {BaseCommand} from '../../src/cli/base-command.js'
import type {MigrateResult} from '../../src/db/migrate.js'

export default class DbMigrate extends BaseCommand<typeof DbMigrate> {
  static override description =
    'Bring the index database (DATABASE_URL, or index.db in the store) up to the latest schema'
  static override examples = [
    '<%= config.bin %> db migrate',
    'DATABASE_URL=postgres://maestro@db:5432/maestro <%= config.bin %> db migrate --json',
  ]

  async run(): Promise<MigrateResult> {
    if (this.flags.remote)
      this.error('db migrate works on the database this machine is configured with, not on a daemon', {
        exit: 2,
        suggestions: ['run it where the daemon runs, or unset MAESTRO_REMOTE / drop --remote'],
      })
    // Loaded here, not at the top: every command's module is loaded at start-up, and this one
    // would bring kysely and the migrations into all of them.
    const {migrateIndexDatabase} = await import('../../src/db/migrate.js')
    const result = await migrateIndexDatabase(await this.maestroConfig())
    if (!this.jsonEnabled()) {
      if (result.applied.length === 0) {
        this.log(`${result.database} is up to date (${result.migrations.length} migrations).`)
      } else {
        this.log(`Applied ${result.applied.length} migration(s) to ${result.database}:`)
        for (const name of result.applied) this.log(`  ${name}`)
      }
    }
    return result
  }
}
