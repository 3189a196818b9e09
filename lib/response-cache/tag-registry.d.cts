export declare function pathnameFromCacheKey(key: string): string | null
export declare function recordTags(pathname: string, tags: string[]): void
export declare function recordCacheEntry(key: string, value: unknown): void
export declare function tagsFor(pathname: string): ReadonlySet<string> | undefined
export declare function onPurge(listener: (tags: string[]) => void): () => void
export declare function purgeTags(tags: string[], at?: number): void
export declare function revalidatedSince(tags: Iterable<string>, since: number): boolean
export declare const CHANGE_TAG_PREFIX: string
export declare function changeTag(id: string): string
