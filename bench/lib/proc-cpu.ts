import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system, ms) process `pid` has used so far, from /proc (Linux); NaN if unknown. */
export function cpuMs(pid: number): number {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return Number.NaN;
  }
}

function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the name: state is field 3, utime 14 and stime 15 (1-based in proc(5))
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}

/** This process's CPU time (ms) by kind of thread, from /proc (Linux); null elsewhere. */
export interface ThreadCpu {
  /** the main JavaScript thread */
  main: number;
  /** V8's helper threads (concurrent GC, compilers) */
  v8: number;
  /** libuv's thread pool (file system work) */
  libuv: number;
  /**
   * every other thread: worker threads (pool threads, runtime workers,
   * blocking threads); before Node 26, which names its threads, V8's helpers too
   */
  workers: number;
}

/** The CPU time this process has used so far, split by kind of thread (see {@link ThreadCpu}). */
export function threadCpuMs(): ThreadCpu | null {
  try {
    const out: ThreadCpu = { main: 0, v8: 0, libuv: 0, workers: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      const ms = statCpuMs(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'));
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      if (Number(tid) === process.pid) out.main += ms;
      else if (/V8Worker|DelayedTask|SignalInspector|ProfEvnt/.test(comm)) out.v8 += ms;
      else if (comm === 'libuv-worker') out.libuv += ms;
      else out.workers += ms;
    }
    return out;
  } catch {
    return null;
  }
}
