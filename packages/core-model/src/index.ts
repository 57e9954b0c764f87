// Public API of @mangaassist/core-model (filled in as the package grows).
export {};
