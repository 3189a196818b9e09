/**
 * Moving a WordPress blog in: `npm run import:wordpress -- <export.xml>` (scripts/import-wordpress.ts).
 *
 * Stages, each testable alone:
 * - parse/ — streaming WXR reader (xml.ts, saxes) and typed records (records.ts);
 * - scan.ts — pass 1: attachments, reusable blocks, slugs and page paths, old permalinks;
 * - convert/ — content → Portable Text: gutenberg.ts (block markup), wpautop.ts + shortcodes.ts
 *   (classic editor), normalize.ts (WordPress HTML → shapes the converter maps), body.ts (the
 *   `@portabletext/html` call and the lost-text check), dom.ts (linkedom);
 * - documents.ts, redirects.ts, assets.ts — records → documents, old URLs → redirects, images → assets;
 * - sink/ — where documents go (engine on the data directory, or a running lake / hosted Sanity);
 * - run.ts — the two passes wired together; undo.ts — `--undo`; summary.ts, progress.ts — reporting.
 *
 * Entry points: `importWordPress` and `undoWordPressImport`; `openSink` picks the destination.
 */
export {importWordPress, type ImportOptions} from './run'
export {undoWordPressImport, type UndoResult} from './undo'
export {openSink, dryRunSink, type ImportSink} from './sink'
export {ImportSummary} from './summary'
export {progressBar} from './progress'
export {scanExport} from './scan'
