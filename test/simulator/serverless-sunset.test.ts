// Post-sunset mode: the serverless backup operations answer 410 VERSION_GONE (x-sunset 2026-01-22)
// while the serverless instance operations keep working; switchable per simulator, at run time, and
// through SIMULATOR_SERVERLESS_BACKUP for `npm run simulator`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, SERVERLESS_BACKUP_OPERATIONS, startSimulator, type AtlasSimulator } from '../../src/simulator/index.js';
import { asObject, callOp, createValidator, operation, results, spec, type SpecValidator } from './helpers.js';

const V2 = '/api/atlas/v2';
const sl = DEMO.serverless;
const events = { groupId: sl.groupId, clusterName: sl.instanceName };
const restoreBody = {
  deliveryType: 'automated',
  snapshotId: sl.snapshotId,
  targetGroupId: sl.groupId,
  targetClusterName: sl.otherInstanceName,
};

/** Each serverless backup operation with path parameters (and a body for the POST). */
const BACKUP_CALLS: [string, Record<string, string>, unknown][] = [
  ['listServerlessBackupSnapshots', events, undefined],
  ['getServerlessBackupSnapshot', { ...events, snapshotId: sl.snapshotId }, undefined],
  ['listServerlessRestoreJobs', events, undefined],
  ['getServerlessRestoreJob', { ...events, restoreJobId: sl.restoreJobId }, undefined],
  ['createServerlessRestoreJob', events, restoreBody],
];

function pathOf(operationId: string, params: Record<string, string>): string {
  return operation(operationId).pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) => params[name] ?? '');
}

/** The exact 410 body the simulator sends for a serverless backup operation called at `path`. */
function goneBody(path: string): Record<string, unknown> {
  return {
    detail:
      `Version 2023-01-01 of resource ${path} was sunset on 2026-01-22 and is no longer available. ` +
      'Use the Flex backup endpoints (/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/...) instead.',
    error: 410,
    errorCode: 'VERSION_GONE',
    parameters: [path, '2023-01-01', '2026-01-22'],
    reason: 'Gone',
  };
}

async function call(
  sim: AtlasSimulator,
  operationId: string,
  params: Record<string, string>,
  body: unknown,
  query = '',
): ReturnType<typeof callOp> {
  return callOp(sim.url, operationId, params, query, body === undefined ? {} : { body });
}

describe('serverless backup after its sunset', () => {
  let sunset: AtlasSimulator;
  let available: AtlasSimulator;
  let validator: SpecValidator;

  beforeAll(async () => {
    sunset = await startSimulator({ serverlessBackup: 'sunset' });
    available = await startSimulator();
    validator = createValidator({ closed: true });
  });
  afterAll(async () => {
    await sunset.close();
    await available.close();
  });

  it('names exactly the five serverless backup operations of the spec', () => {
    const serverlessOps = spec.operations.filter((op) => op.pathTemplate.includes('/serverless'));
    expect(serverlessOps.map((op) => op.operationId).sort()).toEqual(
      [...SERVERLESS_BACKUP_OPERATIONS, 'getServerlessInstance', 'listServerlessInstances'].sort(),
    );
    expect([...SERVERLESS_BACKUP_OPERATIONS].sort()).toEqual(BACKUP_CALLS.map(([id]) => id).sort());
  });

  it('serves them by default (available)', async () => {
    for (const [operationId, params, body] of BACKUP_CALLS) {
      const res = await call(available, operationId, params, body);
      expect(res.status, `${operationId} ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it.each(BACKUP_CALLS)(
    '%s answers 410 VERSION_GONE with the ApiError body and X-Error-Code',
    async (operationId, params, body) => {
      const res = await call(sunset, operationId, params, body);
      expect(res.status).toBe(410);
      expect(res.body).toEqual(goneBody(pathOf(operationId, params)));
      expect(validator.errors('ApiError', res.body)).toEqual([]);
      expect(res.headers.get('x-error-code')).toBe('VERSION_GONE');
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(sunset.calls.at(-1)).toMatchObject({ operationId, status: 410 });
    },
  );

  it('shows the exact body for one call', async () => {
    const res = await call(sunset, 'listServerlessBackupSnapshots', events, undefined);
    const path = `${V2}/groups/${sl.groupId}/serverless/${sl.instanceName}/backup/snapshots`;
    expect(res.body).toEqual({
      detail: `Version 2023-01-01 of resource ${path} was sunset on 2026-01-22 and is no longer available. Use the Flex backup endpoints (/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup/...) instead.`,
      error: 410,
      errorCode: 'VERSION_GONE',
      parameters: [path, '2023-01-01', '2026-01-22'],
      reason: 'Gone',
    });
  });

  it('answers 410 before checking the project, the instance and the parameters', async () => {
    const ghostGroup = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const ghost = await call(
      sunset,
      'listServerlessRestoreJobs',
      { groupId: ghostGroup, clusterName: 'ghost' },
      undefined,
    );
    expect(asObject(ghost.body)['errorCode']).toBe('VERSION_GONE');
    const unknownSnapshot = await call(
      sunset,
      'getServerlessBackupSnapshot',
      { ...events, snapshotId: 'bbbbbbbbbbbbbbbbbbbbbbbb' },
      undefined,
    );
    expect(unknownSnapshot.status).toBe(410);
    const badPaging = await call(sunset, 'listServerlessBackupSnapshots', events, undefined, 'itemsPerPage=0');
    expect(badPaging.status).toBe(410);
    // A body that is not even valid for the operation is never looked at.
    expect((await call(sunset, 'createServerlessRestoreJob', events, { deliveryType: 'nonsense' })).status).toBe(410);
  });

  it('still checks auth and the Accept version first', async () => {
    const noToken = await callOp(sunset.url, 'listServerlessBackupSnapshots', events, '', { token: null });
    expect(noToken.status).toBe(401);
    const wrongVersion = await callOp(sunset.url, 'listServerlessBackupSnapshots', events, '', {
      accept: operation('listFlexBackupSnapshots').mediaType,
    });
    expect(wrongVersion.status).toBe(406);
    expect(asObject(wrongVersion.body)['errorCode']).toBe('INVALID_VERSION_DATE');
  });

  it('creates nothing when the POST is refused', async () => {
    const before = sunset.data.serverlessRestoreJobs.length;
    const res = await call(sunset, 'createServerlessRestoreJob', events, restoreBody);
    expect(res.status).toBe(410);
    expect(sunset.data.serverlessRestoreJobs.length).toBe(before);
    expect(sunset.data.createdCount).toBe(0);
  });

  it('keeps the serverless instance operations working, migrated instance included', async () => {
    const list = await callOp(sunset.url, 'listServerlessInstances', { groupId: sl.groupId });
    expect(list.status).toBe(200);
    expect(results(list.body).map((i) => i['name'])).toEqual([sl.instanceName, sl.otherInstanceName, sl.migrated.name]);
    expect(validator.errors('PaginatedServerlessInstanceDescription', list.body)).toEqual([]);
    for (const name of [sl.instanceName, sl.migrated.name]) {
      const one = await callOp(sunset.url, 'getServerlessInstance', { groupId: sl.groupId, name });
      expect(one.status).toBe(200);
      expect(asObject(one.body)['name']).toBe(name);
      expect(validator.errors('ServerlessInstanceDescription', one.body)).toEqual([]);
    }
    // And unknown instances still get their 404.
    const ghost = await callOp(sunset.url, 'getServerlessInstance', { groupId: sl.groupId, name: 'ghost' });
    expect(ghost.status).toBe(404);
    expect(asObject(ghost.body)['errorCode']).toBe('SERVERLESS_INSTANCE_NOT_FOUND');
  });

  it('keeps the Flex backups of the migrated instance reachable', async () => {
    const params = { groupId: sl.migrated.groupId, name: sl.migrated.name };
    const snaps = await callOp(sunset.url, 'listFlexBackupSnapshots', params);
    expect(snaps.status).toBe(200);
    expect(results(snaps.body).length).toBe(8);
    expect((await callOp(sunset.url, 'listFlexRestoreJobs', params)).status).toBe(200);
  });

  it('switches at run time with setServerlessBackup', async () => {
    const sim = await startSimulator();
    try {
      const [operationId, params] = BACKUP_CALLS[0] ?? ['', {}];
      expect((await callOp(sim.url, operationId, params)).status).toBe(200);
      sim.setServerlessBackup('sunset');
      expect((await callOp(sim.url, operationId, params)).status).toBe(410);
      expect((await callOp(sim.url, 'listServerlessInstances', { groupId: sl.groupId })).status).toBe(200);
      sim.setServerlessBackup('available');
      expect((await callOp(sim.url, operationId, params)).status).toBe(200);
      expect(sim.calls.map((c) => c.status)).toEqual([200, 410, 200, 200]);
      expect(() => sim.setServerlessBackup('gone' as 'sunset')).toThrow(
        /serverlessBackup must be one of available, sunset/,
      );
    } finally {
      await sim.close();
    }
  });

  it('refuses an unknown mode at start', async () => {
    await expect(startSimulator({ serverlessBackup: 'removed' as 'sunset' })).rejects.toThrow(
      /serverlessBackup must be one of available, sunset, got removed/,
    );
  });
});

describe('npm run simulator with SIMULATOR_SERVERLESS_BACKUP', () => {
  const main = fileURLToPath(new URL('../../src/simulator/main.ts', import.meta.url));

  /**
   * Runs main.ts on an ephemeral port with SIMULATOR_SERVERLESS_BACKUP set to `mode` (unset when undefined)
   * and `extra` variables; resolves with its url (or its exit code and stderr).
   */
  function runMain(
    mode: string | undefined,
    extra: Record<string, string> = {},
  ): Promise<{ url: string; stop: () => void } | { code: number | null; stderr: string }> {
    const env: Record<string, string | undefined> = { ...process.env, PORT: '0', HOST: '127.0.0.1', ...extra };
    if (mode === undefined) delete env['SIMULATOR_SERVERLESS_BACKUP'];
    else env['SIMULATOR_SERVERLESS_BACKUP'] = mode;
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const match = /listening on (http:\/\/\S+)\/api\/atlas\/v2/.exec(stdout);
        if (match?.[1] !== undefined) resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stderr }));
    });
  }

  it('sunset: serverless backup reads answer 410, instances 200', async () => {
    const run = await runMain('sunset');
    if (!('url' in run)) throw new Error(`simulator did not start: ${run.stderr}`);
    try {
      const gone = await callOp(run.url, 'listServerlessBackupSnapshots', events);
      expect(gone.status).toBe(410);
      expect(asObject(gone.body)['errorCode']).toBe('VERSION_GONE');
      expect((await callOp(run.url, 'listServerlessInstances', { groupId: sl.groupId })).status).toBe(200);
    } finally {
      run.stop();
    }
  });

  it("unset: today's Atlas, as npm start (notes §0.5, §6.2: sunset on 2026-01-22)", async () => {
    const run = await runMain(undefined);
    if (!('url' in run)) throw new Error(`simulator did not start: ${run.stderr}`);
    try {
      const gone = await callOp(run.url, 'listServerlessBackupSnapshots', events);
      expect(gone.status).toBe(410);
      expect(asObject(gone.body)['errorCode']).toBe('VERSION_GONE');
    } finally {
      run.stop();
    }
  });

  it('available: the Atlas of before the sunset', async () => {
    const run = await runMain('available');
    if (!('url' in run)) throw new Error(`simulator did not start: ${run.stderr}`);
    try {
      expect((await callOp(run.url, 'listServerlessBackupSnapshots', events)).status).toBe(200);
    } finally {
      run.stop();
    }
  });

  it('SIMULATOR_FAULTS injects its fault plan', async () => {
    const run = await runMain(undefined, { SIMULATOR_FAULTS: '{"script":["status503","ok"],"retryAfterSeconds":2}' });
    if (!('url' in run)) throw new Error(`simulator did not start: ${run.stderr}`);
    try {
      const failed = await callOp(run.url, 'listGroups', {});
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('2');
      expect((await callOp(run.url, 'listGroups', {})).status).toBe(200);
    } finally {
      run.stop();
    }
  });

  it('an unknown value stops the simulator with a message', async () => {
    const run = await runMain('later');
    if ('url' in run) {
      run.stop();
      throw new Error('simulator started with SIMULATOR_SERVERLESS_BACKUP=later');
    }
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/SIMULATOR_SERVERLESS_BACKUP must be one of available, sunset, got "later"/);
  });
});
