/** How long rejected mentions stay visible to editors (a plain module: the Studio imports it too). */
export const REJECTION_RETENTION_DAYS = 14
