/**
 * A real Redis for tests and benchmarks: Debian's `redis-server` (scripts/ensure-redis.sh installs it),
 * started on a free 127.0.0.1 port with nothing persisted, and stopped by whoever started it. `kill()`
 * ends it abruptly (SIGKILL), as a crashed Redis would end; `restart()` starts it again on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis {
  url: string;
  port: number;
  /** Ends the server abruptly. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty). */
  restart(): Promise<void>;
  /** Stops it answering, its connections left open (SIGSTOP), as a hung Redis or a partition would; `resume` undoes it. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number): Promise<ChildProcess> {
  const executable = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
  const child = spawn(
    executable,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output.slice(-500)}`)), 10_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${executable} (scripts/ensure-redis.sh installs it): ${error.message}`));
    });
    // Ended before it was ready (its port taken meanwhile: "Address already in use"): say so at once, once
    // its output is all read.
    child.once('close', () => {
      clearTimeout(timer);
      reject(new LaunchError(`redis-server exited before it was ready: ${output.slice(-500)}`, output));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
  });
}

class LaunchError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

/**
 * A free port, then redis-server on it. Between the two another process (a parallel test file) may take the
 * port: then another free port, a few times.
 */
async function launchOnFreePort(): Promise<{ port: number; child: ChildProcess }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, child: await launch(port) };
    } catch (error) {
      const taken = error instanceof LaunchError && /address already in use/i.test(error.output);
      if (!taken || attempt >= 5) throw error;
    }
  }
}

function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startRedis(): Promise<TestRedis> {
  const launched = await launchOnFreePort();
  const port = launched.port;
  let child = launched.child;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: () => ended(child, 'SIGKILL'),
    async restart() {
      await ended(child, 'SIGKILL');
      child = await launch(port);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    stop: () => ended(child, 'SIGTERM'),
  };
}
