/**
 * Runs a Sanity CLI command of a template (`node sanity-cli-node20.mjs manifest extract …`, cwd =
 * the template) through the CLI's oclif entry point, without its `bin/run.js`, which exits on any
 * Node older than 22.12 before loading a command. Used by scripts/check-templates.ts on Node 20 for
 * the personal website's `sanity manifest extract`, which itself runs on Node 20.
 */
import {createRequire} from 'node:module'
import path from 'node:path'

const cliBin = createRequire(path.join(process.cwd(), 'package.json')).resolve('@sanity/cli/bin/run.js')
const {execute, settings} = await import(createRequire(cliBin).resolve('@oclif/core'))
settings.enableAutoTranspile = false
await execute({dir: cliBin, args: process.argv.slice(2)})
