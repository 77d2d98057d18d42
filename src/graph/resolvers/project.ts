/** Project (Atlas group): Query.project, Query.projects, and what hangs off a project. */
import type { Resolvers } from '../../generated/resolvers-types.js';
import { toGlobalId } from '../ids.js';
import { loadConnection } from '../pagination.js';
import { need, orNull } from './atlas-values.js';
import { asDeployment, deploymentConnection } from './deployment.js';
import { resolveEntity } from './node.js';

export const projectResolvers: Resolvers = {
  Query: {
    project: (_, { id }, { loaders }) => orNull(loaders.project.load({ groupId: id })),
    projects: (_, args, { loaders }) => loadConnection(args, (page) => loaders.projectPage.load(page)),
  },
  Project: {
    __resolveReference: async (reference, context) => {
      // By the key whose value is a string: a representation may carry both keys, one of them unusable.
      const { atlasId, id } = reference as { atlasId?: unknown; id?: unknown };
      if (typeof atlasId === 'string') return orNull(context.loaders.project.load({ groupId: atlasId }));
      return typeof id === 'string' ? resolveEntity(id, 'Project', context) : null;
    },
    id: (project) => toGlobalId('Project', need(project.id, 'project id')),
    atlasId: (project) => need(project.id, 'project id'),
    tags: (project) => project.tags ?? [],
    clusters: (project, args, { loaders }) =>
      loadConnection(args, (page) => loaders.clusterPage.load({ groupId: need(project.id, 'project id'), ...page })),
    // Lookups by name go through the router: a name of another family is null at most one wrong-family
    // call later, and none when the operation already knows its family.
    cluster: (project, { name }, { loaders }) =>
      loaders.deployments.load('cluster', { groupId: need(project.id, 'project id'), clusterName: name }),
    flexClusters: (project, args, { loaders }) =>
      loadConnection(args, (page) =>
        loaders.flexClusterPage.load({ groupId: need(project.id, 'project id'), ...page }),
      ),
    flexCluster: (project, { name }, { loaders }) =>
      loaders.deployments.load('flexCluster', { groupId: need(project.id, 'project id'), clusterName: name }),
    deployments: (project, args, context) =>
      deploymentConnection({ groupId: need(project.id, 'project id') }, args, context),
    deployment: async (project, { name }, { loaders }) =>
      asDeployment(await loaders.deployments.find({ groupId: need(project.id, 'project id'), clusterName: name })),
    exportBuckets: (project, args, { loaders }) =>
      loadConnection(args, (page) =>
        loaders.exportBucketPage.load({ groupId: need(project.id, 'project id'), ...page }),
      ),
    exportBucket: (project, { id }, { loaders }) =>
      orNull(loaders.exportBucket.load({ groupId: need(project.id, 'project id'), id })),
    serverlessInstances: (project, args, { loaders }) =>
      loadConnection(args, (page) =>
        loaders.serverlessInstancePage.load({ groupId: need(project.id, 'project id'), ...page }),
      ),
    serverlessInstance: (project, { name }, { loaders }) =>
      loaders.deployments.load('serverlessInstance', { groupId: need(project.id, 'project id'), clusterName: name }),
  },
};
