// Public API of @mangaassist/data (filled in as the package grows).
export {};
