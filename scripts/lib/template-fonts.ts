/**
 * Offline `next/font/google` for scripts/check-templates.ts: Next reads Google Fonts responses from
 * the module named by NEXT_FONT_GOOGLE_MOCKED_RESPONSES (its own test hook) instead of
 * fonts.googleapis.com, which this machine cannot reach. Turbopack looks each stylesheet URL up
 * as an exact key, so the keys are computed with Next's own helpers from the font calls the
 * template makes. Turbopack downloads every `src: url(…)` a stylesheet names even under the mock, so
 * the faces name `local()` fonts only: pages use whatever the system has (the look differs, nothing
 * else does).
 */
import fs from 'node:fs'
import path from 'node:path'
import {createRequire} from 'node:module'

interface FontCall {
  functionName: string
  options: Record<string, unknown>
}

/** `const x = Inter({...})` calls of functions imported from next/font/google in the app's sources. */
export function findGoogleFontCalls(appDir: string): FontCall[] {
  const calls: FontCall[] = []
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
      const file = path.join(dir, entry.name)
      if (entry.isDirectory()) visit(file)
      else if (/\.(tsx?|jsx?)$/.test(entry.name)) {
        const source = fs.readFileSync(file, 'utf8')
        const imported = /import\s*\{([^}]*)\}\s*from\s*['"]next\/font\/google['"]/.exec(source)
        if (!imported) continue
        for (const name of imported[1].split(',').map((part) => part.trim().split(/\s+as\s+/)[0]).filter(Boolean)) {
          const call = new RegExp(`\\b${name}\\(\\s*(\\{[\\s\\S]*?\\})\\s*\\)`, 'g')
          for (const match of source.matchAll(call)) {
            // The template's own literal (keys, strings, arrays, comments): evaluated as written.
            const options = new Function(`return (${match[1]})`)() as Record<string, unknown>
            calls.push({functionName: name, options})
          }
        }
      }
    }
  }
  visit(appDir)
  return calls
}

/** Writes the mock module; returns its path (the value for NEXT_FONT_GOOGLE_MOCKED_RESPONSES). */
export function writeGoogleFontsMock(appDir: string, outFile: string): string {
  const req = createRequire(path.join(appDir, 'package.json'))
  const base = path.dirname(req.resolve('next/dist/compiled/@next/font/dist/google/loader.js'))
  const {validateGoogleFontFunctionCall} = req(path.join(base, 'validate-google-font-function-call.js'))
  const {getFontAxes} = req(path.join(base, 'get-font-axes.js'))
  const {getGoogleFontsUrl} = req(path.join(base, 'get-google-fonts-url.js'))
  const responses: Record<string, string> = {}
  for (const {functionName, options} of findGoogleFontCalls(appDir)) {
    const {fontFamily, weights, styles, display, selectedVariableAxes} = validateGoogleFontFunctionCall(functionName, options)
    const url = getGoogleFontsUrl(fontFamily, getFontAxes(fontFamily, weights, styles, selectedVariableAxes), display)
    const faces = []
    for (const style of styles as string[]) {
      faces.push(`/* latin */\n@font-face {\n  font-family: '${fontFamily}';\n  font-style: ${style};\n  font-weight: 100 900;\n  font-display: ${display};\n  src: local('${fontFamily}');\n  unicode-range: U+0000-00FF;\n}\n`)
    }
    responses[url] = faces.join('')
  }
  fs.mkdirSync(path.dirname(outFile), {recursive: true})
  fs.writeFileSync(outFile, `module.exports = ${JSON.stringify(responses, null, 2)}\n`)
  return outFile
}
