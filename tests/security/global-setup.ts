import type {TestProject} from 'vitest/node'
import {startStack, type StackInfo} from './stack'

/** One lake, one production build and its servers for the whole security suite (see stack.ts). */
export default async function setup(project: TestProject) {
  const stack = await startStack()
  project.provide('securityStack', stack.info)
  return () => stack.close()
}

declare module 'vitest' {
  export interface ProvidedContext {
    securityStack: StackInfo
  }
}
