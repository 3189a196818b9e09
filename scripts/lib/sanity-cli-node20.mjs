/**
 * Runs a Sanity CLI command of a template (`node sanity-cli-node20.mjs manifest extract …`, cwd =
 * the template) through the CLI's oclif entry point, without its `bin/run.js`, which exits on any
 * Node older than 22.12 before loading a command. Used by scripts/check-templates.ts on Node 20 for
 * the personal website's `sanity manifest extract`, which itself runs on Node 20.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'

/** The `sanity` bin npm linked for the template (its package does not export bin/run.js). */
function sanityBin() {
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const link = path.join(dir, 'node_modules/.bin/sanity')
    if (fs.existsSync(link)) return fs.realpathSync(link)
    if (path.dirname(dir) === dir) throw new Error('no node_modules/.bin/sanity above ' + process.cwd())
  }
}

const cliBin = sanityBin()
const {execute, settings} = await import(createRequire(cliBin).resolve('@oclif/core'))
settings.enableAutoTranspile = false
await execute({dir: cliBin, args: process.argv.slice(2)})
