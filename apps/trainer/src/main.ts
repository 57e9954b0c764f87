#!/usr/bin/env node
import { isMangaAssistError } from '@mangaassist/common';
import { createContainer } from './container';
import { buildProgram } from './program';

buildProgram(createContainer())
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    // Known errors print their message alone (it names the file, field and allowed values); others keep the stack.
    if (isMangaAssistError(error)) process.stderr.write(`error [${error.code}]: ${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
