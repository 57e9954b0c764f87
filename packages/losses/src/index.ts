// Public API of @mangaassist/losses (filled in as the package grows).
export {};
