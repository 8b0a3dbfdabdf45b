/**
 * JSON Schemas of the authentication and account endpoints (component schemas of
 * /openapi.json, merged into `apiComponents`). Bodies refuse unknown members, so a
 * `tenant`, `owner` or `role` slipped into a body is a 400, never an effect.
 */
import type {JsonSchema} from './schemas.js'

const str = (extra: JsonSchema = {}): JsonSchema => ({type: 'string', ...extra})
const obj = (properties: Record<string, JsonSchema>, required: string[] = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
})
const nullableString: JsonSchema = {type: ['string', 'null']}

export const ROLE_SCHEMA: JsonSchema = str({enum: ['viewer', 'editor', 'admin']})
export const TENANT_SCHEMA: JsonSchema = str({pattern: '^[a-z0-9][a-z0-9_-]{0,62}$'})
export const USERNAME_SCHEMA: JsonSchema = str({pattern: '^[a-z0-9][a-z0-9._@-]{0,99}$'})

export function authComponents(): Record<string, JsonSchema> {
  const apiToken = {
    id: str({format: 'uuid'}),
    name: str(),
    tenant: str(),
    role: ROLE_SCHEMA,
    username: str({description: 'Who created it'}),
    prefix: str({description: 'The first characters of the secret, to recognise it'}),
    created_at: str(),
    expires_at: nullableString,
    last_used_at: nullableString,
    revoked_at: nullableString,
  }
  const user = {
    username: str(),
    disabled: {type: 'boolean'},
    created_at: str(),
    roles: {type: 'array', items: obj({tenant: str(), role: ROLE_SCHEMA})},
  }
  const tenant = {name: str(), display_name: str(), created_at: str()}
  return {
    LoginRequest: obj(
      {
        username: str({minLength: 1, maxLength: 100}),
        password: str({minLength: 1, maxLength: 1024}),
        tenant: {
          ...TENANT_SCHEMA,
          description: 'Which of your tenants (needed when you have roles in several)',
        },
      },
      ['username', 'password'],
    ),
    RefreshRequest: obj({refresh_token: str({minLength: 1, maxLength: 200})}),
    TokenPair: obj({
      access_token: str({description: 'JWT (HS256), sent as `Authorization: Bearer ...`'}),
      token_type: str({enum: ['Bearer']}),
      expires_in: {type: 'integer', description: 'Seconds the access token lives'},
      refresh_token: str({description: 'Single use: each refresh answers a new one'}),
      refresh_expires_in: {type: 'integer'},
      username: str(),
      tenant: str(),
      role: ROLE_SCHEMA,
    }),
    LogoutResult: obj({revoked: {type: 'boolean'}}),
    Caller: obj({tenant: str(), user: str(), role: ROLE_SCHEMA, anonymous: {type: 'boolean'}}, [
      'tenant',
      'user',
      'role',
      'anonymous',
    ]),
    ApiTokenCreate: obj(
      {
        name: str({minLength: 1, maxLength: 100}),
        role: {...ROLE_SCHEMA, description: 'At most your own role (default: your role)'},
        expires_in_days: {type: 'integer', minimum: 1, maximum: 3650},
      },
      ['name'],
    ),
    ApiToken: obj(apiToken),
    ApiTokenCreated: obj({...apiToken, token: str({description: 'The secret (mtp_...), shown this once'})}),
    ApiTokenList: obj({items: {type: 'array', items: {$ref: '#/components/schemas/ApiToken'}}}),
    TenantCreate: obj({name: TENANT_SCHEMA, display_name: str({minLength: 1, maxLength: 200})}, ['name']),
    Tenant: obj(tenant),
    TenantList: obj({items: {type: 'array', items: {$ref: '#/components/schemas/Tenant'}}}),
    UserCreate: obj(
      {username: USERNAME_SCHEMA, password: str({minLength: 12, maxLength: 1024}), role: ROLE_SCHEMA},
      ['username', 'password'],
    ),
    User: obj(user),
    UserList: obj({items: {type: 'array', items: {$ref: '#/components/schemas/User'}}}),
    GrantRequest: obj({role: ROLE_SCHEMA}),
    PasswordChange: obj({
      current_password: str({minLength: 1, maxLength: 1024}),
      new_password: str({minLength: 12, maxLength: 1024}),
    }),
    PasswordReset: obj({password: str({minLength: 12, maxLength: 1024})}),
    PasswordChanged: obj({changed: {type: 'boolean'}, sessions_revoked: {type: 'integer'}}),
  }
}
