import {BaseCommand} from '../src/cli/base-command.js'

export default class Logout extends BaseCommand<typeof Logout> {
  static override description = 'Sign out of a daemon: revoke the login there and forget its tokens here'
  static override examples = ['<%= config.bin %> logout --remote https://templates.example.com']

  async run(): Promise<{remote: string; signedOut: boolean}> {
    const remote = this.flags.remote
    if (!remote) this.error('say which daemon to sign out of: --remote URL (or MAESTRO_REMOTE)', {exit: 2})
    const [{TemplateClient}, {removeLogin}] = await Promise.all([
      import('../src/client/index.js'),
      import('../src/cli/credentials.js'),
    ])
    const login = removeLogin(remote)
    if (login) {
      const client = new TemplateClient({baseUrl: remote})
      try {
        await client.logout(login.refresh_token)
      } catch (err) {
        // Forgotten here either way; say that the daemon could not be told.
        this.warn(
          `the tokens are forgotten here, but the daemon could not revoke them: ${(err as Error).message}`,
        )
      } finally {
        await client.close()
      }
    }
    if (!this.jsonEnabled())
      this.log(login ? `Signed out of ${remote}` : `You were not signed in to ${remote}`)
    return {remote, signedOut: login !== undefined}
  }
}
