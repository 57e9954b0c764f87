// Public API of @mangaassist/trainer (filled in as the package grows).
export {};
