/** Benchmark child processes (simulator, gateway, baseline), each on its own 127.0.0.1 port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

const started: ChildProcess[] = [];

/** Starts a bench script under tsx (with --expose-gc) and resolves with the URL it prints first. */
export async function startChild(
  file: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', new URL(file, import.meta.url).pathname], {
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
export function ask<T>(child: ChildProcess, message: string): Promise<T> {
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
