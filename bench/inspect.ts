/**
 * Profiling inside a benchmark server process (bench/servers.ts loads this only when bench/profile.ts
 * asks): V8's CPU profiler and sampling heap profiler through the in-process inspector, heap snapshots,
 * and memory figures read without a collection. Profiles are written to files the caller names, in the
 * formats Chrome DevTools opens (.cpuprofile, .heapprofile, .heapsnapshot).
 */
import { writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { Session } from 'node:inspector/promises';
import type { Profiler, HeapProfiler } from 'node:inspector';
import { getHeapCodeStatistics, getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';

export type ProfileCommand =
  /** Starts the CPU profiler, sampling every `intervalUs` microseconds (V8's default is 1000). */
  | { profile: 'cpu-start'; intervalUs?: number }
  | { profile: 'cpu-stop'; file: string }
  /**
   * Starts the sampling heap profiler. With `collected`, objects the GC already freed stay in the
   * profile, so it shows what was allocated during the window, not only what is still alive.
   */
  | { profile: 'heap-sampling-start'; intervalBytes?: number; collected?: boolean }
  | { profile: 'heap-sampling-stop'; file: string }
  /** Writes a heap snapshot (V8 collects garbage first: it holds what is reachable). */
  | { profile: 'heap-snapshot'; file: string }
  /** Memory as it is now, without a collection: RSS, heap spaces, code. */
  | { profile: 'memory-now' }
  /**
   * Starts / stops adding up GC pauses on the main thread (PerformanceObserver 'gc' entries): GC measured
   * without the CPU profiler, to check a profile's "(garbage collector)" share against.
   */
  | { profile: 'gc-start' }
  | { profile: 'gc-stop' };

/** Main-thread GC pauses, by kind (minor = scavenge, major = mark-compact, incremental marking steps...). */
export interface GcPauses {
  count: Record<string, number>;
  ms: Record<string, number>;
}

export interface MemoryNow {
  memory: NodeJS.MemoryUsage;
  heap: ReturnType<typeof getHeapStatistics>;
  spaces: ReturnType<typeof getHeapSpaceStatistics>;
  code: ReturnType<typeof getHeapCodeStatistics>;
}

const gcKinds: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
let gcObserver: PerformanceObserver | undefined;
let gcPauses: GcPauses = { count: {}, ms: {} };

let session: Session | undefined;
function inspector(): Session {
  if (!session) {
    session = new Session();
    session.connect();
  }
  return session;
}

export async function runProfileCommand(command: ProfileCommand): Promise<object> {
  switch (command.profile) {
    case 'cpu-start': {
      const s = inspector();
      await s.post('Profiler.enable');
      await s.post('Profiler.setSamplingInterval', { interval: command.intervalUs ?? 1000 });
      await s.post('Profiler.start');
      return { ok: true };
    }
    case 'cpu-stop': {
      const { profile }: Profiler.StopReturnType = await inspector().post('Profiler.stop');
      await inspector().post('Profiler.disable');
      writeFileSync(command.file, JSON.stringify(profile));
      return { file: command.file };
    }
    case 'heap-sampling-start': {
      await inspector().post('HeapProfiler.startSampling', {
        samplingInterval: command.intervalBytes ?? 32_768,
        includeObjectsCollectedByMajorGC: command.collected ?? false,
        includeObjectsCollectedByMinorGC: command.collected ?? false,
      });
      return { ok: true };
    }
    case 'heap-sampling-stop': {
      const { profile }: HeapProfiler.StopSamplingReturnType = await inspector().post('HeapProfiler.stopSampling');
      writeFileSync(command.file, JSON.stringify(profile));
      return { file: command.file };
    }
    case 'heap-snapshot':
      return { file: writeHeapSnapshot(command.file) };
    case 'gc-start': {
      gcObserver?.disconnect();
      gcPauses = { count: {}, ms: {} };
      const pauses = gcPauses;
      gcObserver = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const detail: unknown = 'detail' in entry ? entry.detail : undefined;
          const code =
            typeof detail === 'object' && detail !== null && 'kind' in detail && typeof detail.kind === 'number'
              ? detail.kind
              : -1;
          const kind = gcKinds[code] ?? 'other';
          pauses.count[kind] = (pauses.count[kind] ?? 0) + 1;
          pauses.ms[kind] = (pauses.ms[kind] ?? 0) + entry.duration;
        }
      });
      gcObserver.observe({ entryTypes: ['gc'] });
      return { ok: true };
    }
    case 'gc-stop': {
      // Entries are delivered asynchronously: let the last ones arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      gcObserver?.disconnect();
      gcObserver = undefined;
      return gcPauses;
    }
    case 'memory-now': {
      const answer: MemoryNow = {
        memory: process.memoryUsage(),
        heap: getHeapStatistics(),
        spaces: getHeapSpaceStatistics(),
        code: getHeapCodeStatistics(),
      };
      return answer;
    }
  }
}
