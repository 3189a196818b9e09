// The Studio and the site read their settings from one module; this re-export keeps Sanity's
// conventional `sanity/env.ts` location for people coming from the official template.
export {apiVersion, dataset, projectId, browserApiHost, browserApiUsesProjectHostname, isHosted, studioPath} from '@/lib/env'
