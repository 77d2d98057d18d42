/**
 * Subscription fields: arguments -> the watched object's key, the live layer's events -> payloads whose
 * objects are the graph's own types (so clients update their caches by id), its failures -> a coded
 * `error` in the event (`extensions.code` of src/graph/errors.ts). One poller per credential and object
 * serves every subscriber (src/live/hub.ts).
 */
import { GraphQLError } from 'graphql';
import type { BackupActivityKind, Resolvers, SubscriptionError } from '../../generated/resolvers-types.js';
import type { ActivityChange } from '../../live/activity.js';
import { LiveLimitError, LiveOverflowError, LiveShutdownError } from '../../live/errors.js';
import type { WatchedResource } from '../../live/states.js';
import type { LiveEvent, LiveSubscription } from '../../live/subscription.js';
import { resources, type ClusterItemKey, type NodeTypeOf, type ResourceModels } from '../../loaders/resources.js';
import type { GraphQLContext, LiveAccess } from '../context.js';
import { badUserInput, isGraphQLError, toClientError } from '../errors.js';
import { fromGlobalId, looksLikeAtlasId } from '../ids.js';

/** Either the global id, or the Atlas path: the project, the deployment's name and the Atlas id. */
interface LookupArgs {
  id?: string | null;
  projectId?: string | null;
  clusterName?: string | null;
  flexClusterName?: string | null;
  atlasId?: string | null;
}

/** The key of the object a subscription's arguments name; BAD_USER_INPUT before anything is watched. */
function watchedKey(resource: WatchedResource, field: string, args: LookupArgs): ClusterItemKey {
  const type = resources[resource].node;
  const deployment = resource.startsWith('flex') ? 'flexClusterName' : 'clusterName';
  const name = args.flexClusterName ?? args.clusterName;
  const byPath = args.projectId != null || name != null || args.atlasId != null;
  const expected = `${field} takes either \`id\` or \`projectId\`, \`${deployment}\` and \`atlasId\``;
  if (args.id != null) {
    if (byPath) throw badUserInput(`${expected}, not both`);
    // The usual mix-up, told here rather than in node(id:)'s words: an Atlas id (never a global id's form).
    if (looksLikeAtlasId(args.id)) {
      throw badUserInput(
        `"id" looks like an Atlas id: ${field} takes the graph's \`id\` of ${withArticle(type)}, or its Atlas id ` +
          `as \`atlasId\` with \`projectId\` and \`${deployment}\``,
        'id',
      );
    }
    const decoded = fromGlobalId(args.id);
    if (decoded.type !== type) {
      throw badUserInput(`"id" names ${withArticle(decoded.type)}; ${field} takes ${withArticle(type)} id`, 'id');
    }
    // Every watched resource sits under a deployment: its id carries the cluster item key.
    const { groupId, clusterName, id } = decoded as { type: string } & ClusterItemKey;
    return { groupId, clusterName, id };
  }
  if (args.projectId == null || name == null || args.atlasId == null) throw badUserInput(expected);
  return { groupId: args.projectId, clusterName: name, id: args.atlasId };
}

function liveOf(context: GraphQLContext): LiveAccess {
  if (!context.live)
    throw new GraphQLError('Subscriptions are not served here', { extensions: { code: 'BAD_REQUEST' } });
  return context.live;
}

/** Refusals by the live layer, with their codes; anything else goes on as it is. */
function refused(error: unknown): unknown {
  if (error instanceof LiveLimitError) {
    // More connections help only against the per-connection limit; the process's is everyone's.
    const advice =
      error.scope === 'connection'
        ? 'Close one, or spread them over connections.'
        : 'Close one, or try again later (this server is at its limit).';
    return new GraphQLError(`Too many subscriptions: at most ${error.limit} per ${error.scope}. ${advice}`, {
      extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', scope: error.scope, limit: error.limit },
    });
  }
  if (error instanceof LiveShutdownError) {
    return new GraphQLError('The gateway is shutting down: subscribe again in a moment', {
      extensions: { code: 'SHUTTING_DOWN' },
    });
  }
  return error;
}

/** `an Export`, `a Snapshot`: the type's name with its article. */
const withArticle = (type: string) => `${/^[AEIOU]/.test(type) ? 'an' : 'a'} ${type}`;

/** A failure as an event tells it: the code and message a query's error would have. */
export function subscriptionError(error: unknown): SubscriptionError {
  if (error instanceof LiveShutdownError) {
    return { code: 'SHUTTING_DOWN', message: 'The gateway is shutting down: subscribe again in a moment' };
  }
  if (error instanceof LiveOverflowError) {
    return {
      code: 'SUBSCRIBER_TOO_SLOW',
      message: `More than ${error.limit} events were waiting to be read: the stream was ended. Subscribe again.`,
    };
  }
  const shown = toClientError(error, 'Unexpected error.');
  const extensions = isGraphQLError(shown) ? shown.extensions : {};
  const code = typeof extensions['code'] === 'string' ? extensions['code'] : 'INTERNAL_SERVER_ERROR';
  const retryAfter = extensions['retryAfter'];
  return { code, message: shown.message, ...(typeof retryAfter === 'number' ? { retryAfter } : {}) };
}

/**
 * The live layer's events as payloads. Before each value event is executed, the operation's loaders
 * become that event's (its poll tick's): the executor runs one event at a time per subscription, pulling
 * the next only once this one is sent. `return` reaches the live subscription at once (a client leaving).
 */
function payloads<V, P>(
  source: LiveSubscription<V>,
  context: GraphQLContext,
  toPayload: (event: LiveEvent<V>) => P,
): AsyncIterableIterator<P> {
  const iterator: AsyncIterableIterator<P> = {
    async next() {
      const result = await source.next();
      if (result.done) return { done: true, value: undefined };
      if (result.value.kind === 'value') context.loaders = result.value.loaders();
      return { done: false, value: toPayload(result.value) };
    },
    async return() {
      await source.return();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** One job or snapshot: a payload per event, the object (the resource's model) or the failure. */
function watchItem<N extends WatchedResource, P>(
  resource: N,
  field: string,
  args: LookupArgs,
  context: GraphQLContext,
  payload: (object: ResourceModels[N] | null, final: boolean, error: SubscriptionError | null) => P,
): AsyncIterableIterator<P> {
  const key = watchedKey(resource, field, args);
  const live = liveOf(context);
  let subscription: LiveSubscription<ResourceModels[N]>;
  try {
    subscription = live.hub.watchItem(resource, key, live.credential, live.connection);
  } catch (error) {
    throw refused(error);
  }
  return payloads(subscription, context, (event) =>
    event.kind === 'value'
      ? payload(event.value, event.final, null)
      : payload(null, event.final, subscriptionError(event.error)),
  );
}

/** A job the activity stream reports, named by its graph type (a member of the `BackupJob` union). */
type BackupJobModel = {
  [N in ActivityChange['resource']]: ResourceModels[N] & { __typename?: NodeTypeOf<N> };
}[ActivityChange['resource']];

/** Each change's job with its type name, made once however many subscribers receive it. */
const typedJobs = new WeakMap<ActivityChange, BackupJobModel>();
function typedJob(change: ActivityChange): BackupJobModel {
  let job = typedJobs.get(change);
  if (!job) {
    // The change's job is its resource's model; its type name is that resource's graph type.
    job = { ...change.job, __typename: resources[change.resource].node } as BackupJobModel;
    typedJobs.set(change, job);
  }
  return job;
}

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    cloudBackupRestoreJob: {
      subscribe: (_, args, context) =>
        watchItem('restoreJob', 'cloudBackupRestoreJob', args, context, (restoreJob, final, error) => ({
          cloudBackupRestoreJob: { restoreJob, final, error },
        })),
    },
    legacyBackupRestoreJob: {
      subscribe: (_, args, context) =>
        watchItem('legacyRestoreJob', 'legacyBackupRestoreJob', args, context, (restoreJob, final, error) => ({
          legacyBackupRestoreJob: { restoreJob, final, error },
        })),
    },
    flexRestoreJob: {
      subscribe: (_, args, context) =>
        watchItem('flexRestoreJob', 'flexRestoreJob', args, context, (restoreJob, final, error) => ({
          flexRestoreJob: { restoreJob, final, error },
        })),
    },
    export: {
      subscribe: (_, args, context) =>
        watchItem('export', 'export', args, context, (job, final, error) => ({
          export: { export: job, final, error },
        })),
    },
    snapshot: {
      subscribe: (_, args, context) =>
        watchItem('snapshot', 'snapshot', args, context, (snapshot, final, error) => ({
          snapshot: { snapshot, final, error },
        })),
    },
    flexSnapshot: {
      subscribe: (_, args, context) =>
        watchItem('flexSnapshot', 'flexSnapshot', args, context, (snapshot, final, error) => ({
          flexSnapshot: { snapshot, final, error },
        })),
    },
    backupActivity: {
      subscribe: (_, { projectId }, context) => {
        const live = liveOf(context);
        let subscription: LiveSubscription<ActivityChange>;
        try {
          subscription = live.hub.watchActivity(projectId, live.credential, live.connection);
        } catch (error) {
          throw refused(error);
        }
        return payloads(subscription, context, (event) => ({
          backupActivity:
            event.kind === 'value'
              ? {
                  kind: event.value.kind satisfies BackupActivityKind,
                  job: typedJob(event.value),
                  final: event.final,
                  error: null,
                }
              : { kind: null, job: null, final: event.final, error: subscriptionError(event.error) },
        }));
      },
    },
  },
  BackupJob: {
    __resolveType: (job) => job.__typename ?? null,
  },
};
