// Handlers, clusters family: listClusters and getCluster (dedicated clusters only; serverless and Flex
// names get the type-mismatch errors Atlas sends).
import { clusterPath, ok, page, requireCluster, requireProject, withSelf, type Handler } from './shared.js';

const listClusters: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const clusters = ctx.data.clusters.filter((c) => c.value.groupId === groupId);
  return page(ctx, clusters, (c) => withSelf(c.value, `${ctx.baseUrl}${clusterPath(c.value)}`));
};

const getCluster: Handler = (ctx) => {
  const cluster = requireCluster(ctx);
  return ok(withSelf(cluster.value, `${ctx.baseUrl}${ctx.path}`));
};

export const clusterHandlers: Record<string, Handler> = { listClusters, getCluster };
