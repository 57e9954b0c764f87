import { MangaAssistError } from '@mangaassist/common';
import type { DataProblem } from '../types';

/**
 * The one place that decides what a bad row does: in strict mode it throws `DATA_INVALID` naming file and line;
 * in lenient mode it is recorded in `problems` and the reader moves on.
 */
export function failOrSkip(path: string, line: number, message: string, lenient: boolean, problems: DataProblem[], field?: string): void {
  if (!lenient) {
    throw new MangaAssistError('DATA_INVALID', `${path} line ${line}: ${message}`, { file: path, line, ...(field ? { field } : {}) });
  }
  problems.push({ line, message });
}
