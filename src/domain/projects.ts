/**
 * Project records as the API answers them (`GET /projects`, `POST /projects`): what the
 * registry knows of a project made from one of its templates. Stored by
 * src/db/projects.ts; the SDK reads the same shapes.
 */
import type {Namespace} from './types.js'

export interface ProjectRecord {
  id: string
  tenant: string
  template_id: string
  namespace: Namespace
  template: string
  version: string
  commit: string
  /** `instantiate`: made by the daemon; `register`: made elsewhere, registered by a CLI. */
  source: 'instantiate' | 'register'
  name: string | null
  created_by: string
  created_at: string
  updated_at: string
  /** The newest version compatible with `version` (`^version`) when newer; null when up to date. */
  newer_compatible: string | null
  outdated: boolean
}

export interface ProjectList {
  items: ProjectRecord[]
  total: number
  limit: number
  offset: number
}
