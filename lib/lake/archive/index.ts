/**
 * Dataset archives: Sanity's `sanity dataset export` format (`.tar.gz` with data.ndjson, assets.json,
 * images/, files/) and plain NDJSON, for the lake CLI's `import` and `export`.
 * - placeholders.ts: `_sanityAsset` placeholders ⇄ asset references, archive file names, assets.json entries
 * - tarball.ts: reading and writing the .tar.gz container (tar-stream)
 * - import.ts: `importDataset`, through the lake's API (running lake or a private one)
 * - export.ts: `exportDataset`, NDJSON or archive by file name
 */
export {importDataset, ImportFileError, type ImportResult} from './import'
export {exportDataset, isArchiveName, type ExportResult} from './export'
