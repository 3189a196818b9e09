/**
 * #16.17: `npm ci` must print no EBADENGINE warnings on any Node the project declares. npm warns when
 * the running Node is outside a package's `engines.node`, so the lowest version of each declared
 * release line (and the Node running this test) must satisfy every locked package.
 */
import fs from 'node:fs'
import semver from 'semver'
import {describe, expect, it} from 'vitest'

type LockEntry = {version?: string; optional?: boolean; engines?: {node?: string} | string[]}
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {engines: {node: string}}
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8')) as {packages: Record<string, LockEntry>}

/** The first version of each `||` alternative of the declared range, e.g. 20.19.5, 22.13.0, 24.0.0. */
function lowestOfEachLine(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => semver.minVersion(comparators.map(String).join(' '))!.version)
}

function misfits(node: string): string[] {
  return Object.entries(lock.packages).flatMap(([where, entry]) => {
    const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node
    // Optional packages are platform builds (sharp's win32, wasm): npm skips them without a warning.
    if (!where || !wanted || entry.optional) return []
    return semver.satisfies(node, wanted) ? [] : [`${where}@${entry.version} wants node ${wanted}`]
  })
}

describe('declared Node versions', () => {
  const versions = [...lowestOfEachLine(pkg.engines.node), process.version.slice(1)]
  it('start at Node 20.19.5', () => {
    expect(versions[0]).toBe('20.19.5')
  })
  for (const node of versions) {
    it(`Node ${node} satisfies every locked package`, () => {
      expect(misfits(node)).toEqual([])
    })
  }
  it('include the Node this machine runs', () => {
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true)
  })
})
