/** Checkpoint (Legacy Backup): identity, cluster back-link, parts. */
import { CheckpointPartType, type Resolvers } from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import { atlasEnum, knownValues, need } from './atlas-values.js';
import { resolveEntity } from './node.js';

const partTypes = knownValues(CheckpointPartType);

export const checkpointResolvers: Resolvers = {
  Checkpoint: {
    __resolveReference: (reference, context) => resolveEntity(reference.id, 'Checkpoint', context),
    id: (c) => toGlobalId('Checkpoint', c.groupId, c.clusterName, need(c.id, 'checkpoint id')),
    atlasId: (c) => need(c.id, 'checkpoint id'),
    cluster: (c, _, { loaders }) => loaders.cluster.load({ groupId: c.groupId, clusterName: c.clusterName }),
    clusterAtlasId: (c) => c.clusterId ?? null,
    parts: (c) => c.parts ?? [],
  },
  CheckpointPart: {
    typeName: (part) => atlasEnum(partTypes, part.typeName),
  },
};
