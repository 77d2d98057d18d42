/** Benchmark child processes (simulator, gateway, baseline), each on its own 127.0.0.1 port. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const started: ChildProcess[] = [];

/**
 * Whether processes can be pinned to CPUs here (util-linux's taskset, and two CPUs at least): a server on a
 * core of its own measures its own work, not its neighbours' (the load generator, a trace receiver).
 */
export const canPin = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');

/** Pins this process, all its threads, to `cpu` (when `canPin`). */
export function pinSelf(cpu: number): void {
  if (canPin)
    execFileSync('/usr/bin/taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}

/**
 * Starts a bench script under tsx (with --expose-gc) and resolves with the URL it prints first. `imports` are
 * more bench modules to load first (`--import`, after tsx); `cpu` pins the child to that CPU (when `canPin`).
 */
export async function startChild(
  file: string,
  env: Record<string, string>,
  imports: string[] = [],
  cpu?: number,
): Promise<{ child: ChildProcess; url: string }> {
  const preload = imports.flatMap((module) => ['--import', new URL(module, import.meta.url).href]);
  const script = new URL(file, import.meta.url).pathname;
  const args = ['--expose-gc', '--import', 'tsx', ...preload, script];
  const pinned = cpu !== undefined && canPin;
  const child = spawn(
    pinned ? '/usr/bin/taskset' : process.execPath,
    pinned ? ['-c', String(cpu), process.execPath, ...args] : args,
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  started.push(child);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString().split('\n')[0] ?? '{}') as { url: string }).url),
    );
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
  });
  return { child, url };
}

/** Asks a child over IPC and resolves with its first answer. */
export function ask<T>(child: ChildProcess, message: string | object): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once('message', (answer: T) => resolve(answer));
    child.send(message);
  });
}

/** Stops every child this process started (by its own id). */
export function stopChildren(): void {
  for (const child of started) if (child.exitCode === null) child.kill('SIGTERM');
}

export function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Highest RSS the process has had (VmHWM), MiB. */
export function peakRssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Samples a process's RSS every `everyMs` until `stop()`, which returns the samples (MiB). */
export function sampleRss(pid: number | undefined, everyMs = 500): { stop(): number[] } {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(rssMiB(pid)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}
