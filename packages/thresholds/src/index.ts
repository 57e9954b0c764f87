// Public API of @mangaassist/thresholds (filled in as the package grows).
export {};
