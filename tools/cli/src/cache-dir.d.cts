/** generate's cache folder for the repository at `root`: STRATA_CACHE_DIR (resolved; empty counts as unset), else node_modules/.cache/strata. */
export function cacheDir(root: string): string;
/** Makes `dir` and its missing parents, one mkdir each (Node's recursive mkdir can loop forever); throws the first error. */
export function makeFolders(dir: string): void;
/** `folder` (default: cacheDir(root)), made if missing and known to be writable; else an Error saying which folder, why, and what to do. */
export function usableCacheDir(root: string, folder?: string): string;
