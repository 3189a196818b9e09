/**
 * Content Releases beyond the actions themselves (those are engine actions: engine/releases.ts).
 *
 * Modules: scheduler.ts (publishes scheduled releases at their `publishAt`). Entry point: `ReleaseScheduler`.
 */
export {ReleaseScheduler, SCHEDULER_AUTHOR} from './scheduler'
