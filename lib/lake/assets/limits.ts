/** The asset pipeline's bounds, in one place. */

/** Largest upload accepted (images and files alike); bigger bodies get 413. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024
/** Largest image accepted, in pixels (decompression bombs are refused before decoding). */
export const MAX_INPUT_PIXELS = 100_000_000
/** Largest side of a transformed image; bigger requests are clamped, as Sanity's CDN does. */
export const MAX_OUTPUT_DIMENSION = 4000
/** Transformed variants kept on disk per lake; the least recently used go first. */
export const MAX_CACHED_VARIANTS = 500
/** Image transforms run at once (the machine has few cores; the rest wait their turn). */
export const MAX_CONCURRENT_TRANSFORMS = 2
/** Longest value kept for the free-text upload fields (label, title, description, credit line). */
export const MAX_LABEL_LENGTH = 1000
