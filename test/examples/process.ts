// Runs a compiled example as its own process for the example tests.
import { type ChildProcess, spawn } from 'node:child_process';

/** A running example: its process, its stdout+stderr so far, and its exit. */
export interface ExampleProcess {
  child: ChildProcess;
  out: () => string;
  exited: Promise<{ code: number | null; out: string }>;
}

/** Starts `node file ...args`, collecting stdout and stderr into one text. */
export function runExample(file: string, args: string[]): ExampleProcess {
  const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (d: string): void => {
    out += d;
  };
  child.stdout!.setEncoding('utf8').on('data', collect);
  child.stderr!.setEncoding('utf8').on('data', collect);
  const exited = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, out })),
  );
  return { child, out: () => out, exited };
}
