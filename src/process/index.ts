/**
 * Child processes (`tokio-ts/process`), as Tokio's `tokio::process`: a
 * `Command` builder, `Child` with pull-based `stdin`/`stdout`/`stderr`, and
 * `ExitStatus`. Errors are `IoError`s from `tokio-ts/io`.
 */

export { Child } from './child.js';
export { ChildStdin } from './child-stdin.js';
export { ChildStderr, ChildStdout } from './child-stdout.js';
export { Command } from './command.js';
export { ExitStatus, type Output } from './exit-status.js';
export { Stdio } from './stdio.js';
