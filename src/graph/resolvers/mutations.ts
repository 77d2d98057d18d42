/**
 * Mutations: on-demand snapshots, cloud restores (automated, point in time, download) and their cancel,
 * exports, Flex restores and downloads. Each resolver checks its input (and a destructive restore's
 * confirmation) before any call, builds Atlas's request body, and hands it to the operation's writer
 * (src/loaders/writes.ts: sent once, reconciled when its answer is lost, remembered under an idempotency
 * key, fresh reads after). Expected failures come back as `errors` (src/graph/errors.ts `mutationErrorOf`);
 * the rest are thrown and become GraphQL errors.
 */
import type { MutationError, MutationResolvers, Resolvers } from '../../generated/resolvers-types.js';
import type { WriteResult, Writer } from '../../loaders/writes.js';
import { resources, type ResourceName } from '../../loaders/resources.js';
import type { GraphQLContext } from '../context.js';
import { mutationErrorOf } from '../errors.js';
import { toGlobalId } from '../ids.js';

/** Atlas's lower bound for `pointInTimeUTCSeconds` and `oplogTs` (the spec's `minimum`: 2008-01-01). */
const EARLIEST_RESTORE_SECONDS = 1_199_145_600;
/** The largest value Atlas's int32 seconds can hold. */
const INT32_MAX = 2_147_483_647;

const roles = {
  snapshot: 'on-demand snapshots need the Project Backup Manager role',
  restore: 'restores need the Project Backup Manager or Backup Recovery Operator role',
  export: 'exports need the Backup Export Operator or Project Backup Manager role',
  flex: "Flex restores and downloads need a role with backup rights on the Flex cluster's project",
};

interface CommonInput {
  clientMutationId?: string | null;
  idempotencyKey?: string | null;
}

/** What every payload holds besides its object. */
interface Outcome<V> {
  clientMutationId: string | null;
  value: V | null;
  nodeId: string | null;
  errors: MutationError[];
  replayed: boolean;
}

const invalid = (field: string, message: string): MutationError => ({
  code: 'INVALID_INPUT',
  message,
  field,
  atlas: null,
});

/** A destructive restore's target, named twice; anything else is refused before any call. */
function confirmation(target: string, confirmed: string | null | undefined, field: string): MutationError[] {
  if (confirmed === target) return [];
  return [
    {
      code: 'CONFIRMATION_REQUIRED',
      message:
        confirmed === null || confirmed === undefined
          ? `This restore replaces all data on "${target}": name it again in ${field} to confirm. Nothing was sent.`
          : `${field} ("${confirmed}") does not name the target "${target}": nothing was sent.`,
      field,
      atlas: null,
    },
  ];
}

function commonChecks(input: CommonInput): MutationError[] {
  const key = input.idempotencyKey;
  // Control characters would end up in logs and stores as they are; a blank key is a client's empty field.
  if (key !== null && key !== undefined && (!/^[^\p{Cc}]{1,200}$/u.test(key) || key.trim() === '')) {
    return [
      invalid(
        'idempotencyKey',
        'idempotencyKey must be 1 to 200 characters, not only spaces, without control characters',
      ),
    ];
  }
  return [];
}

/**
 * Runs one write unless the input was refused: the payload's common part, with the object written (or the
 * errors that say why not). Errors that are not expected failures propagate.
 */
async function perform<N extends ResourceName>(
  context: GraphQLContext,
  input: CommonInput,
  refused: MutationError[],
  describe: { inputs: [string, unknown][]; atlasFields: Record<string, string>; role: string },
  resource: N,
  write: (writer: Writer, idempotencyKey: string | undefined) => Promise<WriteResult<N>>,
): Promise<Outcome<WriteResult<N>['value']>> {
  const clientMutationId = input.clientMutationId ?? null;
  const errors = [...commonChecks(input), ...refused];
  if (errors.length > 0) {
    context.writeErrors?.push(...errors);
    return { clientMutationId, value: null, nodeId: null, errors, replayed: false };
  }
  const writer = context.writer;
  // The schema has mutations only where the context has a writer (src/server/gateway.ts).
  if (!writer) throw new Error('mutations are not served here');
  try {
    const result = await write(writer, input.idempotencyKey ?? undefined);
    const { groupId, clusterName, id } = result.key as { groupId: string; clusterName: string; id: string };
    const type = resources[resource].node;
    return {
      clientMutationId,
      value: result.value,
      nodeId: toGlobalId(type, groupId, clusterName, id),
      errors: [],
      replayed: result.replayed,
    };
  } catch (error) {
    const expected = mutationErrorOf(error, describe.inputs, describe.atlasFields, describe.role);
    if (!expected) throw error;
    context.writeErrors?.push(expected);
    return { clientMutationId, value: null, nodeId: null, errors: [expected], replayed: false };
  }
}

const restoreFields = {
  snapshotId: 'snapshotId',
  targetGroupId: 'targetProjectId',
  targetClusterName: 'targetClusterName',
  pointInTimeUTCSeconds: 'pointInTime',
  oplogTs: 'oplog',
  oplogInc: 'oplog',
};

const mutation: MutationResolvers = {
  takeSnapshot: async (_, { input }, context) => {
    const refused: MutationError[] = [];
    if (input.retentionInDays !== null && input.retentionInDays !== undefined && input.retentionInDays < 1) {
      refused.push(invalid('retentionInDays', 'retentionInDays must be at least 1'));
    }
    const body = {
      ...(input.description != null ? { description: input.description } : {}),
      ...(input.retentionInDays != null ? { retentionInDays: input.retentionInDays } : {}),
    };
    const { value, ...rest } = await perform(
      context,
      input,
      refused,
      {
        inputs: [
          ['projectId', input.projectId],
          ['clusterName', input.clusterName],
        ],
        atlasFields: { description: 'description', retentionInDays: 'retentionInDays' },
        role: roles.snapshot,
      },
      'snapshot',
      (writer, key) =>
        writer.create('takeSnapshot', { groupId: input.projectId, clusterName: input.clusterName }, body, key),
    );
    return { ...rest, snapshot: value };
  },

  startAutomatedRestore: async (_, { input }, context) => {
    const targetProjectId = input.targetProjectId ?? input.projectId;
    const refused = confirmation(input.targetClusterName, input.confirmTargetClusterName, 'confirmTargetClusterName');
    const body = {
      deliveryType: 'automated',
      snapshotId: input.snapshotId,
      targetGroupId: targetProjectId,
      targetClusterName: input.targetClusterName,
    };
    return startRestore(context, input, refused, body);
  },

  startPointInTimeRestore: async (_, { input }, context) => {
    const targetProjectId = input.targetProjectId ?? input.projectId;
    const refused: MutationError[] = [];
    const { pointInTime, oplog } = input;
    let point: Record<string, number> = {};
    if (pointInTime == null && oplog == null) {
      refused.push(invalid('pointInTime', 'Give the point to restore to, as pointInTime or as oplog'));
    } else if (pointInTime != null && oplog != null) {
      refused.push(invalid('pointInTime', 'Give the point to restore to as pointInTime or as oplog, not both'));
    } else if (pointInTime != null) {
      const seconds = Math.floor(Date.parse(pointInTime) / 1000);
      if (seconds < EARLIEST_RESTORE_SECONDS || seconds > INT32_MAX) {
        refused.push(invalid('pointInTime', 'pointInTime must be between 2008-01-01 and 2038-01-19'));
      }
      point = { pointInTimeUTCSeconds: seconds };
    } else if (oplog != null) {
      if (oplog.timestamp < EARLIEST_RESTORE_SECONDS) {
        refused.push(invalid('oplog', `oplog.timestamp must be Unix seconds from ${EARLIEST_RESTORE_SECONDS} (2008)`));
      }
      if (oplog.increment < 1) refused.push(invalid('oplog', 'oplog.increment must be at least 1'));
      point = { oplogTs: oplog.timestamp, oplogInc: oplog.increment };
    }
    refused.push(...confirmation(input.targetClusterName, input.confirmTargetClusterName, 'confirmTargetClusterName'));
    const body = {
      deliveryType: 'pointInTime',
      ...point,
      targetGroupId: targetProjectId,
      targetClusterName: input.targetClusterName,
    };
    return startRestore(context, input, refused, body);
  },

  startDownloadRestore: async (_, { input }, context) => {
    const body = { deliveryType: 'download', snapshotId: input.snapshotId };
    return startRestore(context, input, [], body);
  },

  cancelRestore: async (_, { input }, context) => {
    const key = { groupId: input.projectId, clusterName: input.clusterName, id: input.restoreJobId };
    const { value, ...rest } = await perform(
      context,
      input,
      [],
      {
        inputs: [
          ['projectId', input.projectId],
          ['clusterName', input.clusterName],
          ['restoreJobId', input.restoreJobId],
        ],
        atlasFields: { restoreJobId: 'restoreJobId' },
        role: roles.restore,
      },
      'restoreJob',
      (writer, idempotencyKey) => writer.cancel('cancelRestore', key, idempotencyKey),
    );
    return { ...rest, restoreJob: value };
  },

  startExport: async (_, { input }, context) => {
    const refused: MutationError[] = [];
    const customData = (input.customData ?? []).map(({ key, value }) => ({ key, value }));
    if (customData.some(({ key }) => key.trim() === ''))
      refused.push(invalid('customData', 'customData keys must not be empty or only spaces'));
    const body = {
      snapshotId: input.snapshotId,
      exportBucketId: input.exportBucketId,
      ...(customData.length > 0 ? { customData } : {}),
    };
    const { value, ...rest } = await perform(
      context,
      input,
      refused,
      {
        inputs: [
          ['projectId', input.projectId],
          ['clusterName', input.clusterName],
          ['snapshotId', input.snapshotId],
          ['exportBucketId', input.exportBucketId],
        ],
        atlasFields: { snapshotId: 'snapshotId', exportBucketId: 'exportBucketId', customData: 'customData' },
        role: roles.export,
      },
      'export',
      (writer, key) =>
        writer.create('startExport', { groupId: input.projectId, clusterName: input.clusterName }, body, key),
    );
    return { ...rest, export: value };
  },

  startFlexRestore: async (_, { input }, context) => {
    // Always sent: its spec calls targetProjectId optional, but a recorded Atlas refused a Flex restore without it
    // (MISSING_ATTRIBUTE, notes §4.2); sending the source project is right either way.
    const targetProjectId = input.targetProjectId ?? input.projectId;
    const refused = confirmation(
      input.targetDeploymentName,
      input.confirmTargetDeploymentName,
      'confirmTargetDeploymentName',
    );
    const body = {
      snapshotId: input.snapshotId,
      targetDeploymentItemName: input.targetDeploymentName,
      targetProjectId,
    };
    const { value, ...rest } = await perform(
      context,
      input,
      refused,
      {
        inputs: [
          ['projectId', input.projectId],
          ['flexClusterName', input.flexClusterName],
          ['snapshotId', input.snapshotId],
          ['targetProjectId', targetProjectId],
          ['targetDeploymentName', input.targetDeploymentName],
        ],
        atlasFields: {
          snapshotId: 'snapshotId',
          targetProjectId: 'targetProjectId',
          targetDeploymentItemName: 'targetDeploymentName',
        },
        role: roles.flex,
      },
      'flexRestoreJob',
      (writer, key) =>
        writer.create('startFlexRestore', { groupId: input.projectId, clusterName: input.flexClusterName }, body, key),
    );
    return { ...rest, restoreJob: value };
  },

  startFlexDownload: async (_, { input }, context) => {
    const { value, ...rest } = await perform(
      context,
      input,
      [],
      {
        inputs: [
          ['projectId', input.projectId],
          ['flexClusterName', input.flexClusterName],
          ['snapshotId', input.snapshotId],
        ],
        atlasFields: { snapshotId: 'snapshotId' },
        role: roles.flex,
      },
      'flexRestoreJob',
      (writer, key) =>
        writer.create(
          'startFlexDownload',
          { groupId: input.projectId, clusterName: input.flexClusterName },
          { snapshotId: input.snapshotId },
          key,
        ),
    );
    return { ...rest, restoreJob: value };
  },
};

/**
 * A restore's inputs in the order a value Atlas quotes is matched to them: the target first (a conflict or a
 * missing cluster is most often the target's), then the source. A target project the caller left out is the
 * source's, and is not named.
 */
function restoreInputs(input: {
  projectId: string;
  clusterName: string;
  snapshotId?: string | null;
  targetProjectId?: string | null;
  targetClusterName?: string;
}): [string, unknown][] {
  return [
    ['targetClusterName', input.targetClusterName],
    ['targetProjectId', input.targetProjectId],
    ['projectId', input.projectId],
    ['clusterName', input.clusterName],
    ['snapshotId', input.snapshotId],
  ];
}

/** The cloud restores (automated, point in time, download): one write to the source cluster's restore jobs. */
async function startRestore(
  context: GraphQLContext,
  input: Parameters<typeof restoreInputs>[0] & { clientMutationId?: string | null; idempotencyKey?: string | null },
  refused: MutationError[],
  body: Record<string, unknown>,
) {
  const { value, ...rest } = await perform(
    context,
    input,
    refused,
    { inputs: restoreInputs(input), atlasFields: restoreFields, role: roles.restore },
    'restoreJob',
    (writer, key) =>
      writer.create('startRestore', { groupId: input.projectId, clusterName: input.clusterName }, body, key),
  );
  return { ...rest, restoreJob: value };
}

export const mutationResolvers: Resolvers = { Mutation: mutation };
