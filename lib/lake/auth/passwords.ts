/** Password hashing for local accounts: scrypt with a random salt, compared in constant time. */
import crypto from 'node:crypto'
import {promisify} from 'node:util'

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number, options: crypto.ScryptOptions) => Promise<Buffer>

const PARAMS = {N: 16384, r: 8, p: 1}
const KEY_LENGTH = 32

/** Returns `scrypt$N$r$p$<salt b64>$<hash b64>`: self-describing so parameters can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16)
  const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {N: Number(n), r: Number(r), p: Number(p)})
  return crypto.timingSafeEqual(actual, expected)
}

/** A password a human can type once: 4 groups of 5 unambiguous characters (~100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const groups: string[] = []
  for (let g = 0; g < 4; g++) {
    let group = ''
    for (let i = 0; i < 5; i++) group += alphabet[crypto.randomInt(alphabet.length)]
    groups.push(group)
  }
  return groups.join('-')
}
