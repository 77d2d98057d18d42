/**
 * Apollo Client 4 running mutations against the gateway over HTTP, with the shipped cache configuration, on
 * both edges (GRAPHQL_MUTATIONS=true turns them on with the gateway's own credential): the payload's job
 * lands on the cache entry every query of it shares, a refetch of the cluster's list shows it first, and a
 * typed refusal comes back as data (Apollo resolves; nothing is thrown and nothing reaches Atlas).
 */
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apolloCacheConfig } from '../../client/apollo.js';
import { DEMO } from '../../src/simulator/index.js';
import { startStack, type TestStack } from '../../support/stack.js';
import { captureConsoleInEachTest } from './console.js';
import { edge } from './stack.js';

const pay = DEMO.clusters.paymentsProd;
const warehouse = DEMO.clusters.analyticsWarehouse;

const StartDownload = gql`
  mutation StartDownload($input: StartDownloadRestoreInput!) {
    startDownloadRestore(input: $input) {
      clientMutationId
      nodeId
      replayed
      errors {
        code
        field
      }
      restoreJob {
        id
        atlasId
        state
        deliveryType
      }
    }
  }
`;

const StartRestore = gql`
  mutation StartRestore($input: StartAutomatedRestoreInput!) {
    startAutomatedRestore(input: $input) {
      errors {
        code
        field
        message
      }
      restoreJob {
        id
      }
    }
  }
`;

const RestoreJobs = gql`
  query RestoreJobs($projectId: ObjectId!, $name: ClusterName!) {
    project(id: $projectId) {
      id
      cluster(name: $name) {
        id
        restoreJobs(first: 3) {
          nodes {
            id
            atlasId
            state
          }
        }
      }
    }
  }
`;

interface DownloadData {
  startDownloadRestore: {
    clientMutationId: string | null;
    nodeId: string | null;
    replayed: boolean;
    errors: { code: string; field: string | null }[];
    restoreJob: { id: string; atlasId: string; state: string; deliveryType: string } | null;
  } | null;
}

let stack: TestStack;
const consoleCapture = captureConsoleInEachTest();

beforeAll(async () => {
  stack = await startStack({
    env: { GRAPHQL_MUTATIONS: 'true', ...(edge === 'production' ? { NODE_ENV: 'production' } : {}) },
  });
});
afterAll(() => stack?.close());

function apolloClient() {
  const cache = new InMemoryCache(apolloCacheConfig());
  return { cache, client: new ApolloClient({ link: new HttpLink({ uri: stack.url }), cache }) };
}

describe(`Apollo Client mutations (${edge} edge)`, () => {
  it('starts a download: one POST, the job normalized in the cache, and a refetched list shows it first', async () => {
    const { client, cache } = apolloClient();
    const posts = stack.simulator.callCount({ method: 'POST' });
    const result = await client.mutate<DownloadData>({
      mutation: StartDownload,
      variables: {
        input: {
          clientMutationId: 'apollo-1',
          idempotencyKey: `apollo-${edge}`,
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: DEMO.snapshots.onDemand.id,
        },
      },
    });
    expect(stack.simulator.callCount({ method: 'POST' }) - posts).toBe(1);
    const payload = result.data?.startDownloadRestore;
    expect(payload).toMatchObject({ clientMutationId: 'apollo-1', replayed: false, errors: [] });
    const job = payload?.restoreJob;
    expect(job).toMatchObject({ state: 'IN_PROGRESS', deliveryType: 'DOWNLOAD' });
    expect(payload?.nodeId).toBe(job?.id);
    // Normalized by id, as every object of the graph: the list below lands on the same entry.
    const entry = cache.identify({ __typename: 'CloudBackupRestoreJob', id: job?.id });
    expect(entry && cache.extract()[entry]).toMatchObject({ atlasId: job?.atlasId, state: 'IN_PROGRESS' });

    const list = await client.query<{ project: { cluster: { restoreJobs: { nodes: { id: string }[] } } } }>({
      query: RestoreJobs,
      variables: { projectId: pay.groupId, name: pay.name },
      fetchPolicy: 'network-only',
    });
    expect(list.data?.project.cluster.restoreJobs.nodes[0]?.id).toBe(job?.id);

    // The same idempotency key again: the first outcome, without a POST.
    const again = await client.mutate<DownloadData>({
      mutation: StartDownload,
      variables: {
        input: {
          idempotencyKey: `apollo-${edge}`,
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: DEMO.snapshots.onDemand.id,
        },
      },
    });
    expect(stack.simulator.callCount({ method: 'POST' }) - posts).toBe(1);
    expect(again.data?.startDownloadRestore).toMatchObject({ replayed: true, nodeId: job?.id });
    expect(consoleCapture().messages).toEqual([]);
  });

  it('gets a refused confirmation as data, with nothing sent to Atlas', async () => {
    const { client } = apolloClient();
    stack.simulator.resetCalls();
    const result = await client.mutate<{
      startAutomatedRestore: { errors: { code: string; field: string }[]; restoreJob: null };
    }>({
      mutation: StartRestore,
      variables: {
        input: {
          projectId: pay.groupId,
          clusterName: pay.name,
          snapshotId: DEMO.snapshots.completed.id,
          targetProjectId: warehouse.groupId,
          targetClusterName: warehouse.name,
        },
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.data?.startAutomatedRestore).toMatchObject({
      restoreJob: null,
      errors: [{ code: 'CONFIRMATION_REQUIRED', field: 'confirmTargetClusterName' }],
    });
    expect(stack.simulator.calls).toEqual([]);
  });
});
