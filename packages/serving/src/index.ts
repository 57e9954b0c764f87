// Public API of @mangaassist/serving (filled in as the package grows).
export {};
