/**
 * Reads of serverless backups (sunset by Atlas on 2026-01-22), wherever the graph makes them: a serverless
 * instance's fields, and `node` of a ServerlessSnapshot id.
 */
import type { Loaders } from '../../loaders/index.js';
import { ServerlessBackupSunsetError, isServerlessBackupGone } from '../errors.js';

/** A serverless instance by its coordinates: its project and name. */
interface InstanceAt {
  groupId: string;
  name: string;
}

/** Atlas migrated serverless instances to Flex clusters that keep their names: the one of this instance's, or null. */
export const flexSuccessorOf = (instance: InstanceAt, loaders: Loaders) =>
  loaders.deployments.load('flexCluster', { groupId: instance.groupId, clusterName: instance.name });

/**
 * A serverless backup read, with Atlas's sunset answer (410, or a removed route's 404) turned into the error
 * that names the instance's Flex successor, when there is one (its lookup is answered from the Flex list when
 * the operation read it). Only the field fails; the rest of the query answers.
 */
export async function readServerlessBackup<T>(instance: InstanceAt, loaders: Loaders, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (!isServerlessBackupGone(error)) throw error;
    // Whether the project has the Flex cluster; undefined when its lookup failed (a 500, the budget, a refusal).
    const hasSuccessor = await flexSuccessorOf(instance, loaders).then(
      (successor) => successor !== null,
      () => undefined,
    );
    throw new ServerlessBackupSunsetError(error, { projectId: instance.groupId, name: instance.name }, hasSuccessor);
  }
}
