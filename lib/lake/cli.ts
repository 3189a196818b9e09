/**
 * `npm run lake -- <command>`: run and manage the local Content Lake.
 * The data directory is LAKE_DATA_DIR (default `.lake/` in the current directory), via lib/env.ts.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {generatePassword} from './auth/passwords'
import {AuthStore, isLakeRole} from './auth/store'
import {DEFAULT_DATASET, defaultDataDir, defaultHttpPort, defaultPort} from './config'
import {exportDataset, ImportFileError, importDataset} from './archive'
import {backupDataDir, RestoreRefused, restoreDataDir} from './backup'
import type {ImportMode} from './engine/types'
import {startLake} from './server'
import {ensureWebhookSecret} from './webhooks/secret'

const HELP = `Dispatch local Content Lake

Usage: npm run lake -- <command> [options]

  serve [--port 4444] [--http-port 4445] [--host 127.0.0.1] [--origin http://localhost:3000 ...] [--site URL ...]
        Start the lake: HTTPS + HTTP/2 for browsers on --port, plain HTTP on loopback on --http-port.
        --site: send signed change webhooks to URL/api/revalidate and URL/api/webhooks/mentions (a
        site, or the balancer in front of several instances); the secret is in <data dir>/webhook-secret.
  import <file> [--replace | --missing] [--dataset production]
        Import a Sanity dataset archive (.tar.gz from \`sanity dataset export\`, assets included)
        or NDJSON (one JSON document per line). Default: fail if a document exists; --replace
        overwrites existing ones, --missing keeps them. Works while the lake runs: documents go
        to its bulk import route, POST /data/import (with no lake running, a private one is started).
  export <file.ndjson | file.tar.gz> [--dataset production]
        Write every document of the dataset as NDJSON, or as a Sanity dataset archive
        (images/, files/, assets.json, \`_sanityAsset\` placeholders) when the name ends in .tar.gz.
  backup <file.tar.gz>           Online backup of the data dir (SQLite backup API; the lake keeps serving).
  restore <file.tar.gz> [--replace]
        Restore a backup into the data dir (stop the lake first). Refuses a data dir that has data
        unless --replace.
  token create --role editor|viewer|administrator --label <text>
        Create an API token; it is printed once and stored only as a hash.
  token list                     List API tokens (ids, labels, roles; never secrets).
  token revoke <id>              Revoke an API token.
  user add --email <email> --name <name> [--role editor] [--password <pw>]
        Add a Studio account (a password is generated and printed when omitted).
  user list                      List Studio accounts.
  reset --yes                    Delete the whole data directory (documents, assets, tokens, certificates).
  help                           Show this help.

Data directory: ${defaultDataDir()} (set LAKE_DATA_DIR to change it).`

class UsageError extends Error {}

function option(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`)
  return value
}

function portOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const raw = option(values, name)
  if (raw === undefined) return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} must be a port number (0-65535)`)
  return port
}

function datasetOption(values: Record<string, unknown>): string {
  const dataset = option(values, 'dataset') ?? DEFAULT_DATASET
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(dataset)) throw new UsageError(`Invalid dataset name "${dataset}"`)
  return dataset
}

async function serve(dataDir: string, values: Record<string, unknown>) {
  const origins = values.origin as string[] | undefined
  const sites = ((values.site as string[] | undefined) ?? []).map((site) => site.replace(/\/+$/, ''))
  const secret = sites.length ? ensureWebhookSecret(dataDir) : ''
  const lake = await startLake({
    dataDir,
    host: option(values, 'host'),
    port: portOption(values, 'port', defaultPort),
    httpPort: portOption(values, 'http-port', defaultHttpPort),
    allowedOrigins: origins?.length ? origins : undefined,
    webhooks: sites.flatMap((site) => [
      {url: `${site}/api/revalidate`, secret},
      {url: `${site}/api/webhooks/mentions`, secret},
    ]),
  })
  if (sites.length) console.log(`Webhooks to ${sites.join(', ')}, signed with the secret in ${path.join(dataDir, 'webhook-secret')}`)
  console.log(`Trust the local CA once to use the Studio without warnings: open ${lake.httpsUrl}/`)
  const stop = () => {
    console.log('Stopping the lake…')
    void lake.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function importFile(dataDir: string, positionals: string[], values: Record<string, unknown>) {
  const file = positionals[1]
  if (!file) throw new UsageError('import needs a file: npm run lake -- import <file.tar.gz | file.ndjson>')
  if (!fs.existsSync(file)) throw new UsageError(`No such file: ${file}`)
  if (values.replace && values.missing) throw new UsageError('Use either --replace or --missing, not both')
  const mode: ImportMode = values.replace ? 'createOrReplace' : values.missing ? 'createIfNotExists' : 'create'
  const dataset = datasetOption(values)
  let progress = false
  const result = await importDataset(dataDir, file, {
    dataset,
    mode,
    log: (line) => process.stderr.write(`[lake] ${line}\n`),
    onProgress: (n, sent) => ((progress = true), process.stderr.write(sent ? `\rSent ${n} documents to the lake…` : `\rImported ${n} documents…     `)),
  }).catch((error: unknown) => {
    // A failure after some batches says how many were written (ImportWriteError's message).
    if (progress) process.stderr.write('\n')
    throw error instanceof ImportFileError ? new UsageError(error.message) : error
  })
  if (progress) process.stderr.write('\n')
  const via = result.throughRunningLake ? 'through the running lake' : 'through a private lake (none was running)'
  console.log(`Imported ${result.documents} documents and ${result.assets} assets into "${dataset}" (${mode}) ${via}`)
}

async function exportFile(dataDir: string, positionals: string[], values: Record<string, unknown>) {
  const file = positionals[1]
  if (!file) throw new UsageError('export needs a file: npm run lake -- export <file.ndjson | file.tar.gz>')
  const dataset = datasetOption(values)
  const result = await exportDataset(dataDir, file, {dataset})
  for (const id of result.missingAssets) console.error(`Warning: the file of asset ${id} is missing from ${dataDir}; left out`)
  console.log(`Exported ${result.documents} documents${result.assets ? ` and ${result.assets} assets` : ''} from "${dataset}" to ${file}`)
}

async function backup(dataDir: string, positionals: string[]) {
  const file = positionals[1]
  if (!file) throw new UsageError('backup needs a file: npm run lake -- backup <file.tar.gz>')
  const result = await backupDataDir(dataDir, file)
  console.log(`Backed up ${result.databases.join(' and ')} and ${result.assetFiles} asset files to ${file} (${result.bytes} bytes)`)
}

async function restore(dataDir: string, positionals: string[], values: Record<string, unknown>) {
  const file = positionals[1]
  if (!file) throw new UsageError('restore needs a file: npm run lake -- restore <file.tar.gz>')
  if (!fs.existsSync(file)) throw new UsageError(`No such file: ${file}`)
  const result = await restoreDataDir(dataDir, file, {replace: Boolean(values.replace)}).catch((error: unknown) => {
    throw error instanceof RestoreRefused ? new UsageError(error.message) : error
  })
  console.log(`Restored ${result.databases.join(' and ')} and ${result.assetFiles} asset files into ${dataDir}`)
}

async function tokens(dataDir: string, positionals: string[], values: Record<string, unknown>) {
  const store = new AuthStore(dataDir)
  try {
    switch (positionals[1]) {
      case 'create': {
        const role = option(values, 'role') ?? 'viewer'
        const label = option(values, 'label')
        if (!isLakeRole(role)) throw new UsageError('--role must be administrator, editor or viewer')
        if (!label) throw new UsageError('token create needs --label <text>')
        const {id, token} = store.createApiToken({role, label})
        console.log(`Created ${role} token ${id} ("${label}"). Copy it now; it is not shown again:\n${token}`)
        return
      }
      case 'list': {
        const list = store.listTokens('api')
        if (list.length === 0) return console.log('No API tokens.')
        for (const t of list) console.log(`${t.id}  ${t.role.padEnd(13)}  ${t.label}  (created ${t.createdAt}${t.lastUsedAt ? `, last used ${t.lastUsedAt}` : ''})`)
        return
      }
      case 'revoke': {
        const id = positionals[2]
        if (!id) throw new UsageError('token revoke needs a token id (see `token list`)')
        if (!store.revokeToken(id)) throw new UsageError(`No active token with id ${id}`)
        console.log(`Revoked token ${id}`)
        return
      }
      default:
        throw new UsageError('Use: token create | token list | token revoke <id>')
    }
  } finally {
    store.close()
  }
}

async function users(dataDir: string, positionals: string[], values: Record<string, unknown>) {
  const store = new AuthStore(dataDir)
  try {
    switch (positionals[1]) {
      case 'add': {
        const email = option(values, 'email')
        const name = option(values, 'name')
        const role = option(values, 'role') ?? 'editor'
        if (!email || !name) throw new UsageError('user add needs --email and --name')
        if (!isLakeRole(role)) throw new UsageError('--role must be administrator, editor or viewer')
        const given = option(values, 'password')
        const password = given ?? generatePassword()
        const user = await store.addUser({email, name, role, password}).catch((error: Error) => {
          throw new UsageError(error.message)
        })
        console.log(`Added ${user.role} ${user.name} <${user.email}> (${user.id})${given ? '' : `\nPassword (shown once): ${password}`}`)
        return
      }
      case 'list': {
        const list = store.listUsers()
        if (list.length === 0) return console.log('No accounts yet (the first start of the lake creates one).')
        for (const u of list) console.log(`${u.id}  ${u.role.padEnd(13)}  ${u.name} <${u.email}>`)
        return
      }
      default:
        throw new UsageError('Use: user add --email <email> --name <name> | user list')
    }
  } finally {
    store.close()
  }
}

function reset(dataDir: string, values: Record<string, unknown>) {
  if (!values.yes) throw new UsageError(`reset deletes ${dataDir} and everything in it; confirm with --yes`)
  if (!fs.existsSync(dataDir)) return console.log(`Nothing to delete: ${dataDir} does not exist`)
  if (path.resolve(dataDir) === path.parse(path.resolve(dataDir)).root) throw new UsageError('Refusing to delete a filesystem root')
  fs.rmSync(dataDir, {recursive: true, force: true})
  console.log(`Deleted ${dataDir}`)
}

/** Runs one command; `dataDir` defaults to LAKE_DATA_DIR (tests pass their own). */
export async function main(argv: string[], dataDir = defaultDataDir()): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: {type: 'string'},
        'http-port': {type: 'string'},
        host: {type: 'string'},
        origin: {type: 'string', multiple: true},
        site: {type: 'string', multiple: true},
        replace: {type: 'boolean'},
        missing: {type: 'boolean'},
        dataset: {type: 'string'},
        role: {type: 'string'},
        label: {type: 'string'},
        email: {type: 'string'},
        name: {type: 'string'},
        password: {type: 'string'},
        yes: {type: 'boolean'},
        help: {type: 'boolean', short: 'h'},
      },
    })
  } catch (error) {
    console.error(`${(error as Error).message}\n\nRun \`npm run lake -- help\` for usage.`)
    return 2
  }
  const {values, positionals} = parsed
  const command = values.help ? 'help' : (positionals[0] ?? 'help')
  try {
    switch (command) {
      case 'serve':
        await serve(dataDir, values)
        return -1
      case 'import':
        await importFile(dataDir, positionals, values)
        return 0
      case 'export':
        await exportFile(dataDir, positionals, values)
        return 0
      case 'backup':
        await backup(dataDir, positionals)
        return 0
      case 'restore':
        await restore(dataDir, positionals, values)
        return 0
      case 'token':
        await tokens(dataDir, positionals, values)
        return 0
      case 'user':
        await users(dataDir, positionals, values)
        return 0
      case 'reset':
        reset(dataDir, values)
        return 0
      case 'help':
        console.log(HELP)
        return 0
      default:
        throw new UsageError(`Unknown command "${command}"`)
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nRun \`npm run lake -- help\` for usage.`)
      return 2
    }
    const lakeError = error as {body?: {error?: {description?: string}}; message?: string}
    console.error(`Error: ${lakeError.body?.error?.description ?? lakeError.message ?? String(error)}`)
    return 1
  }
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)
if (invokedDirectly) {
  void main(process.argv.slice(2)).then((code) => {
    if (code >= 0) process.exitCode = code
  })
}
