import { describe, expect, it } from 'vitest';
import { AtlasClient } from '../../src/atlas/client.js';
import { atlasOperations } from '../../src/generated/atlas-operations.js';

const groupId = '6731a0c0e8f1d2a3b4c5d6e7';

describe('AtlasClient.path', () => {
  it('fills the spec template for a valid key', () => {
    expect(
      AtlasClient.path('getBackupRestoreJob', { groupId, clusterName: 'payments-prod', restoreJobId: groupId }),
    ).toBe(`/api/atlas/v2/groups/${groupId}/clusters/payments-prod/backup/restoreJobs/${groupId}`);
  });

  it.each(['..', '../orgs', 'a/b', '%2e%2e', 'a?x=1', 'a#b', '', 'a'.repeat(65), 'clüster', '-lead'])(
    'refuses cluster name %j before a URL exists',
    (clusterName) => {
      expect(() => AtlasClient.path('getCluster', { groupId, clusterName })).toThrow(/clusterName/);
    },
  );

  it.each(['xyz', groupId.slice(1), groupId.toUpperCase(), `${groupId}0`])('refuses group id %j', (bad) => {
    expect(() => AtlasClient.path('getGroup', { groupId: bad })).toThrow(/groupId/);
  });

  it('knows the exact version media type of each operation from the spec', () => {
    expect(atlasOperations.getClusterBackupCheckpoint.mediaType).toBe('application/vnd.atlas.2023-01-01+json');
    expect(atlasOperations.getCluster.mediaType).toBe('application/vnd.atlas.2024-08-05+json');
    expect(atlasOperations.getExportBucket.mediaType).toBe('application/vnd.atlas.2024-05-30+json');
    expect(atlasOperations.getFlexBackupSnapshot.mediaType).toBe('application/vnd.atlas.2024-11-13+json');
  });
});
