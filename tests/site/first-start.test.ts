/** #16.8: `npm run dev` / `npm start` show the first Studio login once, and the CA step. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {startNotes} from '@/scripts/lib/first-start'

describe('start notes', () => {
  it('show the first login once (even when `npm run build` created it), then only the CA step', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-start-'))
    fs.writeFileSync(path.join(dataDir, 'first-login.txt'), 'email: editor@localhost\npassword: s3cret-words\n')
    const first = startNotes({dataDir, sitePort: 3000, lakePort: 4444, alwaysCaStep: false}).join('\n')
    expect(first).toContain('email:    editor@localhost')
    expect(first).toContain('password: s3cret-words')
    expect(first).toContain('https://localhost:4444/')
    const again = startNotes({dataDir, sitePort: 3000, lakePort: 4444, alwaysCaStep: true}).join('\n')
    expect(again).not.toContain('s3cret-words')
    expect(again).toMatch(/trust the local CA/)
    expect(startNotes({dataDir, sitePort: 3000, lakePort: 4444, alwaysCaStep: false})).toHaveLength(2)
    fs.rmSync(dataDir, {recursive: true, force: true})
  })
})
