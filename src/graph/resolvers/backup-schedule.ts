/** BackupSchedule (a dedicated cluster's Cloud Backup schedule) and its parts; `Cluster.backupSchedule`. */
import { RetentionUnit, type Resolvers } from '../../generated/resolvers-types.js';
import { atlasEnum, knownValues, orNull, referencedId } from './atlas-values.js';
import { cloudProviders, frequencyAliases, snapshotFrequencies } from './snapshot.js';

const retentionUnits = knownValues(RetentionUnit);

const frequency = (value: string | undefined) => atlasEnum(snapshotFrequencies, value, frequencyAliases);

export const backupScheduleResolvers: Resolvers = {
  Cluster: {
    // Atlas answers 404 BACKUP_CONFIG_NOT_FOUND for a cluster without a Cloud Backup schedule (backup off,
    // Legacy Backup): null. A cluster that says its backup is off is not asked.
    backupSchedule: (cluster, _, { loaders }) =>
      cluster.backupEnabled === false
        ? null
        : orNull(loaders.backupSchedule.load({ groupId: cluster.groupId, clusterName: cluster.name })),
  },
  BackupSchedule: {
    nextSnapshotAt: (s) => s.nextSnapshot ?? null,
    policies: (s) => s.policies ?? [],
    extraRetention: (s) => s.extraRetentionSettings ?? [],
    autoExport: (s) => (s.export?.exportBucketId ? { ...s.export, groupId: s.groupId } : null),
    copySettings: (s) => s.copySettings ?? [],
  },
  BackupPolicy: {
    atlasId: (p) => p.id ?? null,
    items: (p) => p.policyItems ?? [],
  },
  BackupPolicyItem: {
    atlasId: (item) => item.id ?? null,
    frequencyType: (item) => frequency(item.frequencyType),
    frequencyInterval: (item) => ('frequencyInterval' in item ? item.frequencyInterval : null),
    retentionUnit: (item) => atlasEnum(retentionUnits, item.retentionUnit),
  },
  BackupExtraRetention: {
    frequencyType: (r) => frequency(r.frequencyType),
  },
  BackupAutoExport: {
    frequencyType: (e) => frequency(e.frequencyType),
    exportBucket: (e, _, { loaders }) =>
      e.exportBucketId
        ? orNull(loaders.exportBucket.load({ groupId: e.groupId, id: referencedId(e.exportBucketId) }))
        : null,
  },
  BackupCopySetting: {
    cloudProvider: (c) => atlasEnum(cloudProviders, c.cloudProvider),
    copyPolicyItems: (c) => c.copyPolicyItems ?? [],
    // A frequency this schema does not know is left out rather than failing the list.
    frequencies: (c) => (c.frequencies ?? []).flatMap((value) => frequency(value) ?? []),
  },
};
