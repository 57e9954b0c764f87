import type { MangaAssistError } from '@mangaassist/common';

/** The error `fn` throws; fails the test when it returns. */
export function thrown(fn: () => unknown): MangaAssistError {
  try {
    fn();
  } catch (error) {
    return error as MangaAssistError;
  }
  throw new Error('expected a throw');
}
