/** Benchmark child processes (simulator, gateway, baseline), each on its own 127.0.0.1 port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const started: ChildProcess[] = [];

/**
 * Starts a bench script under tsx (with --expose-gc) and resolves with the URL it prints first. `imports` are
 * more bench modules to load first (`--import`, after tsx).
 */
export async function startChild(
  file: string,
  env: Record<string, string>,
  imports: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const preload = imports.flatMap((module) => ['--import', new URL(module, import.meta.url).href]);
  const script = new URL(file, import.meta.url).pathname;
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...preload, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
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
