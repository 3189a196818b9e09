/**
 * What `npm run dev` and `npm start` tell a newcomer in the terminal (#16.8): the first Studio
 * login until it has been shown by one of them (the lake creates the account on its very first
 * start, which may be `npm run build`, whose output scrolls away), and how to trust the local CA
 * the Studio needs.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseFirstLogin} from '@/lib/lake/auth/bootstrap'

const ANNOUNCED = 'first-login.announced'

export interface StartNotesOptions {
  dataDir: string
  sitePort: number
  lakePort: number
  /** Say how to trust the local CA (the dev server says it every time, `npm start` only with the login). */
  alwaysCaStep: boolean
}

export function startNotes({dataDir, sitePort, lakePort, alwaysCaStep}: StartNotesOptions): string[] {
  const lines = [`  Site:   http://localhost:${sitePort}`, `  Studio: http://localhost:${sitePort}/studio`]
  const loginFile = path.join(dataDir, 'first-login.txt')
  const announced = path.join(dataDir, ANNOUNCED)
  let showLogin = false
  if (fs.existsSync(loginFile) && !fs.existsSync(announced)) {
    try {
      const {email, password} = parseFirstLogin(fs.readFileSync(loginFile, 'utf8'))
      lines.push('', '  First Studio login (shown once; also in ' + loginFile + '):', `    email:    ${email}`, `    password: ${password}`)
      fs.writeFileSync(announced, new Date().toISOString() + '\n', {mode: 0o600})
      showLogin = true
    } catch {
      // A file edited by hand: nothing to show.
    }
  }
  if (alwaysCaStep || showLogin) {
    lines.push(
      '',
      `  One-time step for the Studio: make your browser trust the local CA (${path.join(dataDir, 'certs', 'ca.pem')}).`,
      `  Open https://localhost:${lakePort}/ for the steps on your system (README: "One-time step for the Studio").`,
    )
  }
  return lines
}
