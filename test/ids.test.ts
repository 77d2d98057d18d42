import { describe, expect, it } from 'vitest';
import { fromGlobalId, toGlobalId } from '../src/ids.js';

const groupId = '6731a0c0e8f1d2a3b4c5d6e7';
const jobId = '6731a0c0e8f1d2a3b4c5d6f0';

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
  ])('rejects %s with BAD_USER_INPUT', (_, id) => {
    try {
      fromGlobalId(id);
      expect.unreachable('fromGlobalId accepted a bad id');
    } catch (error) {
      expect((error as { extensions?: { code?: string } }).extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});
