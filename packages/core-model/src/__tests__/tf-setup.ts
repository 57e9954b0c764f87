import { selectTfjsBackend } from '@mangaassist/runtime-tfjs';

/** Selects the pure-JS cpu backend once per test file (what CI runs on). */
export async function useCpuBackend(): Promise<void> {
  await selectTfjsBackend({ backend: 'cpu' });
}
