/**
 * Who is calling the lake. Resolved by lib/lake/auth from a bearer token (API token or login
 * session); `null` everywhere means "anonymous": public reads only, no writes.
 */

export type LakeRole = 'administrator' | 'editor' | 'viewer'

export const LAKE_ROLES: readonly LakeRole[] = ['administrator', 'editor', 'viewer']

export interface LakeUser {
  /** Stable id: `p<hex>` for people (login accounts), `robot-<hex>` for API tokens. Shows in history as author. */
  id: string
  name: string
  /** Empty for API tokens (robots). */
  email: string
  role: LakeRole
}

/** Administrators and editors write; viewers read everything (drafts included) but never write. */
export function canWrite(user: LakeUser | null): boolean {
  return user !== null && (user.role === 'administrator' || user.role === 'editor')
}
