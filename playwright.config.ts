import fs from 'node:fs'
import path from 'node:path'
import {chromium, defineConfig, devices} from '@playwright/test'

/**
 * End-to-end tests drive the real site and the real Studio in Chromium against a real local lake.
 * `scripts/test-server.ts` starts both on their own ports and a throwaway data directory.
 * Playwright's own browser builds cannot be downloaded here, so Debian's Chromium is the fallback.
 */
const systemChromium = '/usr/bin/chromium'
const bundledChromium = (() => {
  try {
    return fs.existsSync(chromium.executablePath())
  } catch {
    return false
  }
})()

export const SITE_PORT = Number(process.env.E2E_SITE_PORT || 3100)
export const LAKE_PORT = Number(process.env.E2E_LAKE_PORT || 4544)
// Tests read these (the config is loaded in every worker, so they see the same values).
process.env.E2E_SITE_PORT = String(SITE_PORT)
process.env.E2E_LAKE_PORT = String(LAKE_PORT)
process.env.E2E_LAKE_DATA_DIR ||= path.resolve('.lake-e2e')

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: {timeout: 15_000},
  reporter: process.env.CI ? [['list'], ['html', {open: 'never'}]] : [['list']],
  use: {
    baseURL: `http://localhost:${SITE_PORT}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // The lake's TLS certificate comes from a throwaway local CA made for the test run.
    ignoreHTTPSErrors: true,
    launchOptions: {
      executablePath: bundledChromium ? undefined : systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost, EXCLUDE *.localhost',
      ],
    },
  },
  projects: [{name: 'chromium', use: {...devices['Desktop Chrome']}}],
  // Runs after the web server is up: puts the lake's site token in E2E_LAKE_TOKEN for the tests.
  globalSetup: './tests/e2e/global-setup.ts',
  webServer: {
    command: 'tsx scripts/test-server.ts',
    url: `http://localhost:${SITE_PORT}/api/health`,
    timeout: 600_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      E2E_SITE_PORT: String(SITE_PORT),
      E2E_LAKE_PORT: String(LAKE_PORT),
      E2E_LAKE_DATA_DIR: process.env.E2E_LAKE_DATA_DIR,
    },
  },
})
