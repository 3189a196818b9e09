/**
 * `npm run import:wordpress -- <export.xml> [--uploads <dir>] [--dry-run] [--drafts] [--undo]`
 * Imports a WordPress export (WXR) into the lake (see README "Move from WordPress").
 * Exit code: 0 done, 1 some items failed, 2 usage or unreadable file.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {siteUrl} from '@/lib/env'
import {defaultDataDir} from '@/lib/lake/config'
import {dryRunSink, importWordPress, openSink, progressBar, scanExport, undoWordPressImport} from '@/lib/import/wordpress'

const USAGE = `Usage: npm run import:wordpress -- <export.xml> [options]

  --uploads <dir>   a copy of wp-content/uploads: images are stored in the lake and
                    references rewritten (without it, images keep their original URLs)
  --dry-run         read and convert everything, write nothing, print the summary
  --drafts          import every post and page as a draft (nothing goes live)
  --undo [<id>]     revert imports of this export's blog exactly (created documents
                    deleted, replaced ones restored from history): all of them, or
                    the import run / the single transaction with this id
  --json            print the summary as JSON

Writes to the running local lake when one serves LAKE_DATA_DIR (${defaultDataDir()}),
else into that directory directly; to hosted Sanity when a project id is configured.`

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`)
  process.exit(2)
}

/** `--undo <id>` and `--undo=<id>` become `--undo --transaction <id>` (an id is not an existing file). */
function normaliseUndoArgs(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg.startsWith('--undo=')) out.push('--undo', '--transaction', arg.slice('--undo='.length))
    else if (arg === '--undo' && args[i + 1] && !args[i + 1].startsWith('-') && /^[A-Za-z0-9._-]{1,128}$/.test(args[i + 1]) && !fs.existsSync(args[i + 1])) {
      out.push('--undo', '--transaction', args[++i])
    } else out.push(arg)
  }
  return out
}

async function main() {
  let parsed
  try {
    parsed = parseArgs({
      args: normaliseUndoArgs(process.argv.slice(2)),
      allowPositionals: true,
      options: {
        uploads: {type: 'string'},
        'dry-run': {type: 'boolean'},
        drafts: {type: 'boolean'},
        undo: {type: 'boolean'},
        transaction: {type: 'string'},
        json: {type: 'boolean'},
        help: {type: 'boolean', short: 'h'},
      },
    })
  } catch (error) {
    fail((error as Error).message)
  }
  const {values, positionals} = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  if (positionals.length !== 1) fail('Give exactly one export file.')
  const file = path.resolve(positionals[0])
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) fail(`${file}: no such file`)
  const uploads = values.uploads ? path.resolve(values.uploads) : null
  if (uploads && !(fs.existsSync(uploads) && fs.statSync(uploads).isDirectory())) fail(`--uploads ${uploads}: not a directory`)

  const dataDir = defaultDataDir()
  const real = values['dry-run'] && !fs.existsSync(path.join(dataDir, 'lake.sqlite')) ? null : await openSink(dataDir)
  const sink = values['dry-run'] ? dryRunSink(real) : real!
  const log = (line: string) => process.stderr.write(`${line}\n`)

  try {
    if (values.undo) {
      const index = await scanExport(file)
      const result = await undoWordPressImport(sink, index.site, values.transaction)
      if (!result.found) {
        log(
          values.transaction
            ? `Nothing to undo: ${values.transaction} is neither an import run nor a transaction of an import of ${index.siteUrl || file} in ${sink.description}.`
            : `Nothing to undo: no import of ${index.siteUrl || file} is recorded in ${sink.description}.`,
        )
        process.exitCode = 1
        return
      }
      const what = result.scope === 'all' ? `every import of ${index.siteUrl}` : result.scope === 'run' ? `import run ${values.transaction}` : `transaction ${values.transaction}`
      log(
        `Undid ${what} in ${sink.description}: ${result.deletedDocuments} documents deleted, ${result.restoredDocuments} restored to their version before the import, ` +
          `${result.deletedAssets} images removed (${result.keptAssets} kept: used elsewhere).` +
          (result.editedSince ? ` ${result.editedSince} of them had been edited since the import; those edits were reverted too.` : '') +
          (result.missingHistory.length ? ` ${result.missingHistory.length} could not be restored (no history of their earlier version): ${result.missingHistory.slice(0, 10).join(', ')}` : ''),
      )
      log(`Transactions: ${result.transactionIds.join(', ')}`)
      return
    }
    log(`Importing ${file} into ${sink.description}${values.drafts ? ', everything as drafts' : ''}…`)
    const started = Date.now()
    const {summary, index} = await importWordPress({
      file,
      sink,
      siteUrl,
      uploadsDir: uploads,
      drafts: values.drafts,
      progress: (phase, total) => progressBar(phase === 'scan' ? 'Reading ' : 'Importing', phase === 'scan' ? fs.statSync(file).size : total),
    })
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const usage = process.resourceUsage()
    const peakMb = Math.round(usage.maxRSS / 1024)
    const cpuSeconds = ((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(1)
    if (values.json) process.stdout.write(`${JSON.stringify(summary.toJSON(), null, 2)}\n`)
    else {
      log(`\n${index.channel.title || index.siteUrl} (WXR ${index.channel.wxrVersion || '?'}), ${index.itemCount} items, ${seconds} s (CPU ${cpuSeconds} s), peak memory ${peakMb} MB${values['dry-run'] ? ' — dry run, nothing written' : ''}:`)
      log(summary.format())
      if (!values['dry-run']) {
        log(`\nImport run ${summary.runId}: ${summary.transactionIds.length} transactions, ${summary.transactionIds[0]} … ${summary.runId} (all in --json)`)
        log(`Undo this run with: npm run import:wordpress -- ${positionals[0]} --undo ${summary.runId}`)
        log(`Undo every import of this blog with: npm run import:wordpress -- ${positionals[0]} --undo`)
      }
    }
    if (summary.totalFailed > 0) process.exitCode = 1
  } finally {
    await sink.close()
  }
}

/**
 * Memory: the import keeps little alive (the input is streamed, writes are batched, the
 * data-directory sink never loads the dataset: ~17 MB of live heap after 10,000 posts), but V8 grows
 * its heap lazily and lets garbage pile up. The CLI therefore runs itself once more in a child with
 * a small heap limit (WP_IMPORT_HEAP_MB overrides), which makes V8 collect early: a 10,000-post
 * import peaks at ~255 MB RSS, most of it code (Node, tsx, the converter, SQLite) rather than data.
 */
function heapLimitMb(file: string | undefined): number {
  const override = Number(process.env.WP_IMPORT_HEAP_MB)
  if (Number.isFinite(override) && override > 0) return override
  const size = file && fs.existsSync(file) ? fs.statSync(file).size / (1024 * 1024) : 0
  // What grows with the export is its index (slugs, paths, attachments) and the run record (ids):
  // a few MB per 10,000 items, so 192 MB holds a 200 MB export; only larger ones get more.
  return Math.round(Math.min(1024, Math.max(192, size / 2)))
}

async function relaunchWithHeapLimit(): Promise<boolean> {
  if (process.env.WP_IMPORT_CHILD === '1') return false
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('-'))
  const {spawn} = await import('node:child_process')
  const child = spawn(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${heapLimitMb(file)}`, '--max-semi-space-size=4', ...process.argv.slice(1)],
    {stdio: 'inherit', env: {...process.env, WP_IMPORT_CHILD: '1'}},
  )
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
  return true
}

if (!(await relaunchWithHeapLimit())) main().catch((error: unknown) => {
  process.stderr.write(`import:wordpress: ${(error as Error).message}\n`)
  process.exit(2)
})
