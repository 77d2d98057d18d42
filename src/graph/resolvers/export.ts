/** Export (snapshot export job) and ExportBucket, with the export's snapshot and bucket references. */
import { ExportState, type Resolvers } from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import { atlasEnum, knownValues, need, referencedId } from './atlas-values.js';
import { resolveEntity } from './node.js';
import { cloudProviders, snapshotOfJob } from './snapshot.js';

const exportStates = knownValues(ExportState);

export const exportResolvers: Resolvers = {
  Export: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'Export', context),
    id: (job) => toGlobalId('Export', job.groupId, job.clusterName, need(job.id, 'export id')),
    atlasId: (job) => need(job.id, 'export id'),
    cluster: (job, _, { loaders }) => loaders.cluster.load({ groupId: job.groupId, clusterName: job.clusterName }),
    state: (job) => atlasEnum(exportStates, job.state),
    // A label's key is optional in Atlas's spec, and KeyValue.key is not: '' keeps the value (see the SDL).
    customData: (job) => (job.customData ?? []).map((label) => (label.key == null ? { ...label, key: '' } : label)),
    components: (job) => job.components ?? [],
    snapshot: (job, _, { loaders }) => snapshotOfJob(job, loaders),
    // A missing id is left to the call, which names it as Atlas's omission.
    exportBucket: (job, _, { loaders }) =>
      loaders.exportBucket.load({ groupId: job.groupId, id: job.exportBucketId && referencedId(job.exportBucketId) }),
  },
  ExportBucket: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'ExportBucket', context),
    id: (bucket) => toGlobalId('ExportBucket', bucket.groupId, bucket._id),
    atlasId: (bucket) => bucket._id,
    project: (bucket, _, { loaders }) => loaders.project.load({ groupId: bucket.groupId }),
    cloudProvider: (bucket) => atlasEnum(cloudProviders, bucket.cloudProvider) ?? 'OTHER',
  },
};
