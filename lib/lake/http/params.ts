/** Parsing and validating the query-string options Sanity's data API accepts. */
import {isPublicId} from '../auth/access'
import type {Perspective} from '../engine/types'
import {badRequest} from './respond'

const DATASET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

export function datasetName(raw: string): string {
  const name = decodeURIComponent(raw)
  if (!DATASET_NAME.test(name)) throw badRequest(`Invalid dataset name "${name.slice(0, 80)}"`)
  return name
}

/** `true`/`false` flags; anything else is a 400 so typos do not silently change behaviour. */
export function flag(search: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = search.get(name)
  if (value === null || value === '') return fallback
  if (value === 'true' || value === '1') return true
  if (value === 'false' || value === '0') return false
  throw badRequest(`Option "${name}" must be true or false, got "${value.slice(0, 40)}"`)
}

/** GROQ parameters from `$name=<json>` query-string entries. */
export function groqParams(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const [key, value] of search) {
    if (!key.startsWith('$')) continue
    const name = key.slice(1)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw badRequest(`Invalid parameter name "${key.slice(0, 80)}"`)
    try {
      params[name] = JSON.parse(value)
    } catch {
      throw badRequest(`Unable to parse value of "${key}=${value.slice(0, 80)}". Please quote string values.`)
    }
  }
  return params
}

const NAMED_PERSPECTIVES = new Set(['raw', 'drafts', 'previewDrafts', 'published'])
const RELEASE_NAME = /^[A-Za-z0-9_-]{1,128}$/

/** The API version that made `published` the default and added `versions.*` documents (Content Releases). */
export const RELEASES_API_VERSION = '2025-02-19'

/** Whether a request's API version is 2025-02-19 or later (`X`, the experimental version, counts as latest). */
export function isReleasesApi(apiVersion: string | null): boolean {
  if (apiVersion === 'X') return true
  return apiVersion !== null && /^\d{4}-\d{2}-\d{2}$/.test(apiVersion) && apiVersion >= RELEASES_API_VERSION
}

/**
 * `raw`, `drafts`, `previewDrafts`, `published`, or a release stack (`rA,rB,drafts`). Without one,
 * Sanity answers `published` from API version 2025-02-19 on, and `raw` before it (`v1` included).
 */
export function perspective(value: unknown, apiVersion: string | null): Perspective {
  if (value === undefined || value === null || value === '') return isReleasesApi(apiVersion) ? 'published' : 'raw'
  const list = Array.isArray(value) ? value : String(value).split(',')
  if (!list.every((p): p is string => typeof p === 'string' && (NAMED_PERSPECTIVES.has(p) || RELEASE_NAME.test(p))))
    throw badRequest(`Invalid perspective "${String(value).slice(0, 80)}"`)
  if (list.length === 1 && NAMED_PERSPECTIVES.has(list[0])) return list[0] as Perspective
  if (list.some((p) => p === 'raw')) throw badRequest('The raw perspective cannot be combined with others')
  if (!isReleasesApi(apiVersion)) throw badRequest(`Release perspectives need API version ${RELEASES_API_VERSION} or later`)
  return list
}

/** Comma-separated document ids from a path segment, validated and bounded. */
export function documentIds(raw: string, max = 1000): string[] {
  const ids = raw
    .split(',')
    .map((id) => decodeURIComponent(id).trim())
    .filter(Boolean)
  if (ids.length === 0) throw badRequest('No document ids given')
  if (ids.length > max) throw badRequest(`Too many document ids (at most ${max})`)
  for (const id of ids) if (id.length > 200 || /[\s,]/.test(id)) throw badRequest(`Invalid document id "${id.slice(0, 80)}"`)
  return ids
}

export {isPublicId}
