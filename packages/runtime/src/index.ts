// Public API of @mangaassist/runtime (filled in as the package grows).
export {};
