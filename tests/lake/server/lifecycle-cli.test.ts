import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it, vi} from 'vitest'
import {startTestLake} from './helpers'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lake-cli-test-'))
afterAll(() => fs.rmSync(dataDir, {recursive: true, force: true}))

describe('lifecycle', () => {
  it('seeds an empty dataset once, keeps data and the CA across restarts', async () => {
    const seed = vi.fn(() => [{_id: 'seeded-1', _type: 'note', title: 'from seed'}])
    const first = await startTestLake({seedDocuments: seed})
    const dir = first.dataDir
    await first.editor.create({_id: 'kept-1', _type: 'note'})
    const ca = fs.readFileSync(first.lake.caCertPath, 'utf8')
    await first.lake.close()

    const {startLake, createToken} = await import('@/lib/lake/server')
    const second = await startLake({dataDir: dir, port: 0, httpPort: 0, seedDocuments: seed, logger: () => {}})
    try {
      expect(seed).toHaveBeenCalledTimes(1)
      const token = createToken(dir, {role: 'viewer', label: 'check'})
      const res = await fetch(`${second.httpUrl}/v2025-02-19/data/doc/production/seeded-1,kept-1`, {headers: {authorization: `Bearer ${token}`}})
      expect((await res.json()).documents.map((d: {_id: string}) => d._id)).toEqual(['seeded-1', 'kept-1'])
      expect(fs.readFileSync(second.caCertPath, 'utf8')).toBe(ca)
    } finally {
      await second.close()
      fs.rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('CLI', () => {
  async function run(...args: string[]) {
    const {main} = await import('@/lib/lake/cli')
    const out: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...parts) => void out.push(parts.join(' ')))
    const err = vi.spyOn(console, 'error').mockImplementation((...parts) => void out.push(parts.join(' ')))
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const code = await main(args, dataDir)
      return {code, out: out.join('\n')}
    } finally {
      log.mockRestore()
      err.mockRestore()
      stderr.mockRestore()
    }
  }

  it('creates, lists and revokes tokens; rejects bad arguments clearly', async () => {
    const created = await run('token', 'create', '--role', 'editor', '--label', 'ci')
    expect(created.code).toBe(0)
    const id = /token ([0-9a-f]+) /.exec(created.out)![1]
    expect((await run('token', 'list')).out).toContain(`${id}  editor`)
    expect((await run('token', 'revoke', id)).code).toBe(0)
    expect((await run('token', 'list')).out).not.toContain(id)
    const bad = await run('token', 'create', '--role', 'god', '--label', 'x')
    expect(bad.code).toBe(2)
    expect(bad.out).toContain('--role must be')
    expect((await run('frobnicate')).code).toBe(2)
    expect((await run('serve', '--port', 'abc')).out).toContain('--port must be a port number')
  })

  it('adds and lists users; imports and exports NDJSON; reset needs --yes', async () => {
    const added = await run('user', 'add', '--email', 'writer@example.com', '--name', 'Writer')
    expect(added.out).toMatch(/Password \(shown once\): \S+/)
    expect((await run('user', 'list')).out).toContain('Writer <writer@example.com>')

    const input = path.join(dataDir, 'in.ndjson')
    fs.writeFileSync(input, '{"_id":"cli-1","_type":"note"}\n{"_id":"cli-2","_type":"note"}\n')
    expect((await run('import', input)).out).toContain('Imported 2 documents')
    expect((await run('import', input)).code).toBe(1)
    expect((await run('import', input, '--missing')).code).toBe(0)
    const output = path.join(dataDir, 'out.ndjson')
    expect((await run('export', output)).out).toContain('Exported 2 documents')
    expect(fs.readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l)._id)).toEqual(['cli-1', 'cli-2'])

    fs.writeFileSync(input, 'not json\n')
    const broken = await run('import', input)
    expect(broken.code).toBe(2)
    expect(broken.out).toContain('in.ndjson:1: not valid JSON')

    expect((await run('reset')).code).toBe(2)
    expect(fs.existsSync(dataDir)).toBe(true)
    expect((await run('reset', '--yes')).code).toBe(0)
    expect(fs.existsSync(dataDir)).toBe(false)
  })
})
