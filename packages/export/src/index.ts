// Public API of @mangaassist/export (filled in as the package grows).
export {};
