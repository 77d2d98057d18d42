import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/graph/ids.js';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';

const groupId = '6731a0c0e8f1d2a3b4c5d6e7';
const jobId = '6731a0c0e8f1d2a3b4c5d6f0';

const base64url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `id` with the lowest bit of its last character flipped: a bit no byte uses when the length is not a multiple of 4. */
function withSpareBitFlipped(id: string): string {
  expect(id.length % 4).not.toBe(0);
  const last = base64url.indexOf(id.slice(-1));
  const altered = id.slice(0, -1) + base64url.charAt(last ^ 1);
  expect(Buffer.from(altered, 'base64url').equals(Buffer.from(id, 'base64url'))).toBe(true);
  return altered;
}

describe('global ids', () => {
  it('round-trips the Atlas coordinates of each type', () => {
    expect(fromGlobalId(toGlobalId('Project', groupId))).toEqual({ type: 'Project', groupId });
    expect(fromGlobalId(toGlobalId('Cluster', groupId, 'payments-prod'))).toEqual({
      type: 'Cluster',
      groupId,
      clusterName: 'payments-prod',
    });
    expect(fromGlobalId(toGlobalId('CloudBackupRestoreJob', groupId, 'c1', jobId))).toEqual({
      type: 'CloudBackupRestoreJob',
      groupId,
      clusterName: 'c1',
      id: jobId,
    });
    expect(fromGlobalId(toGlobalId('ExportBucket', groupId, jobId))).toEqual({
      type: 'ExportBucket',
      groupId,
      id: jobId,
    });
  });

  it('is opaque and URL-safe', () => {
    const id = toGlobalId('Snapshot', groupId, 'c1', jobId);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id).not.toContain(groupId);
  });

  it.each([
    ['not base64', '***'],
    ['unknown type', Buffer.from(`v1:Widget:${groupId}`).toString('base64url')],
    ['wrong version', Buffer.from(`v2:Project:${groupId}`).toString('base64url')],
    ['bad project id', Buffer.from('v1:Project:XYZ').toString('base64url')],
    ['path traversal in a name', Buffer.from(`v1:Cluster:${groupId}:..`).toString('base64url')],
    ['missing part', Buffer.from(`v1:Snapshot:${groupId}:c1`).toString('base64url')],
    ['extra part', Buffer.from(`v1:Project:${groupId}:x`).toString('base64url')],
    // Decoded leniently these name the project (Node skips the `!`; a last character's spare bits are dropped).
    ['a character outside base64url', `${toGlobalId('Project', groupId)}!`],
    ['different spare bits in the last character', withSpareBitFlipped(toGlobalId('Project', groupId))],
  ])('rejects %s with BAD_USER_INPUT', (_, id) => {
    try {
      fromGlobalId(id);
      expect.unreachable('fromGlobalId accepted a bad id');
    } catch (error) {
      expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

/** The message of the BAD_USER_INPUT fromGlobalId throws for `id`. */
function refusal(id: string): string {
  try {
    fromGlobalId(id);
  } catch (error) {
    expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
    return (error as Error).message;
  }
  throw new Error(`fromGlobalId accepted ${id}`);
}

describe('a mistaken id gets a hint', () => {
  it('an Atlas id: says so, that node takes the `id` field, and which lookups take Atlas ids', () => {
    const message = refusal(groupId);
    expect(message).toContain(`"${groupId}"`);
    expect(message).toMatch(/looks like an Atlas id/);
    expect(message).toMatch(/node\(id:\) and nodes\(ids:\) take the `id` field/);
    for (const lookup of [
      'project(id:)',
      'Cluster.snapshot(id:)',
      'Cluster.restoreJob(id:)',
      'Project.exportBucket(id:)',
    ]) {
      expect(message).toContain(lookup);
    }
    expect(refusal(groupId.toUpperCase())).toMatch(/looks like an Atlas id/);
  });

  it('a cluster name: points at cluster(name:)', () => {
    const message = refusal('payments-prod');
    expect(message).toMatch(/if it is a cluster or serverless instance name/);
    expect(message).toContain('project(id:) { cluster(name:) }');
  });

  it('anything else: no guess', () => {
    const forged = Buffer.from(`v1:Cluster:${groupId}:..`).toString('base64url');
    for (const id of [forged, '***']) {
      const message = refusal(id);
      expect(message).not.toMatch(/Atlas id|cluster or serverless/);
      expect(message).toMatch(/take the `id` field/);
    }
  });
});

describe('node(id:) and nodes(ids:) given Atlas ids or names, through HTTP', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('answers BAD_USER_INPUT with the hint and makes no Atlas call', async () => {
    const project = DEMO.projects.payments.id;
    const single = await stack.query(`{ node(id: "${project}") { id } }`);
    expect(single.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(single.errors?.[0]?.message).toMatch(/looks like an Atlas id.*project\(id:\)/);
    const list = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: [toGlobalId('Project', project), DEMO.clusters.paymentsProd.name],
    });
    expect(list.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(list.errors?.[0]?.message).toMatch(/cluster\(name:\)/);
    expect(stack.simulator.callCount()).toBe(0);
  });
});
