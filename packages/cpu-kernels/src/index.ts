// Public API of @mangaassist/cpu-kernels (filled in as the package grows).
export {};
