/**
 * First start: create an editor account so a newcomer can sign in to the Studio at once.
 *
 * The password is printed once and also written to `<dataDir>/first-login.txt` (0600, gitignored
 * data dir) so the e2e tests and a newcomer who missed the console line can read it. It is the only
 * password ever stored in plaintext; delete the file after changing or noting the password.
 */
import path from 'node:path'
import {generatePassword} from './passwords'
import type {AuthStore} from './store'
import {writePrivateFile} from './tokens'

export const FIRST_USER_EMAIL = 'editor@localhost'

export async function ensureFirstAccount(store: AuthStore, dataDir: string, log: (line: string) => void): Promise<void> {
  if (store.countUsers() > 0) return
  const password = generatePassword()
  await store.addUser({email: FIRST_USER_EMAIL, name: 'Local Editor', role: 'editor', password})
  const file = path.join(dataDir, 'first-login.txt')
  writePrivateFile(file, `email: ${FIRST_USER_EMAIL}\npassword: ${password}\n`)
  log(
    [
      'Created the first Studio account for this local lake:',
      `  email:    ${FIRST_USER_EMAIL}`,
      `  password: ${password}`,
      `(also saved to ${file}, readable only by you; add more with \`npm run lake -- user add\`)`,
    ].join('\n'),
  )
}

/** Reads the first-login file written above (for tests and tooling). */
export function parseFirstLogin(content: string): {email: string; password: string} {
  const email = /^email:\s*(\S+)/m.exec(content)?.[1]
  const password = /^password:\s*(\S+)/m.exec(content)?.[1]
  if (!email || !password) throw new Error('first-login.txt is not in the expected format')
  return {email, password}
}
