/**
 * The operations the client tests send: the example dashboard as shipped, the same dashboard split into
 * component fragments (as a React app colocates them), and a paged connection in three selections.
 */
import { parse, type DocumentNode } from 'graphql';
import { exampleQuery } from '../../src/server/gateway.js';
import { DEMO } from '../../src/simulator/index.js';
import type { TestStack } from '../../support/stack.js';

export const dashboardSource = exampleQuery;
export const dashboard: DocumentNode = parse(dashboardSource);

/**
 * The dashboard as components would ask for it. It differs from the example on purpose, as one screen's
 * components differ from another's: the restore job list is read through `edges` with its `pageInfo`,
 * the target through a fragment on the `RestoreJob` interface, and export progress asks only for
 * `exportedCollections`. A cache that replaces what it cannot identify loses the other query's data.
 */
export const dashboardFragmentsSource = /* GraphQL */ `
  query BackupDashboardFragments {
    projects(first: 10) {
      totalCount
      nodes {
        ...ProjectCard
      }
    }
  }

  fragment ProjectCard on Project {
    id
    name
    clusters(first: 10) {
      nodes {
        ...ClusterRow
      }
    }
  }

  fragment ClusterRow on Cluster {
    id
    name
    stateName
    restoreJobs(first: 10) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...RestoreJobRow
        }
      }
    }
    exports(first: 10) {
      nodes {
        ...ExportRow
      }
    }
  }

  fragment RestoreJobRow on CloudBackupRestoreJob {
    id
    state
    deliveryType
    finishedAt
    snapshot {
      ...SnapshotBadge
    }
    ...RestoreTarget
  }

  fragment RestoreTarget on RestoreJob {
    targetCluster {
      id
      name
      project {
        id
        name
      }
    }
  }

  fragment SnapshotBadge on Snapshot {
    id
    createdAt
    storageSizeBytes
  }

  fragment ExportRow on Export {
    id
    state
    createdAt
    exportStatus {
      ...ExportProgress
    }
    exportBucket {
      id
      bucketName
      cloudProvider
    }
  }

  fragment ExportProgress on ExportStatus {
    exportedCollections
  }
`;
export const dashboardFragments: DocumentNode = parse(dashboardFragmentsSource);

/** How a paged list is selected: only `nodes`, only `edges`, or both. */
export type Selection = 'nodes' | 'edges' | 'both';
export const selections: Selection[] = ['nodes', 'edges', 'both'];

const selectionText: Record<Selection, string> = {
  nodes: 'nodes { id atlasId createdAt }',
  edges: 'edges { cursor node { id atlasId createdAt } }',
  both: 'edges { cursor node { id atlasId } } nodes { id atlasId createdAt }',
};

/** One page of payments-prod's snapshots (25 on the demo data). */
export function snapshotsPage(selection: Selection): DocumentNode {
  return parse(`
    query SnapshotsPage($projectId: ObjectId!, $name: ClusterName!, $first: Int!, $after: String) {
      project(id: $projectId) {
        id
        cluster(name: $name) {
          id
          snapshots(first: $first, after: $after) {
            totalCount
            pageInfo { hasNextPage endCursor }
            ${selectionText[selection]}
          }
        }
      }
    }
  `);
}

export const pagedCluster = DEMO.clusters.paymentsProd;
export const pageSize = 10;

/** The snapshots a paged list must end up with: every one, in Atlas order, from one big page. */
export const allSnapshotsQuery = `
  query ($projectId: ObjectId!, $name: ClusterName!) {
    project(id: $projectId) { cluster(name: $name) { snapshots(first: 100) { totalCount nodes { atlasId } } } }
  }
`;

/** Every snapshot id of the paged cluster, in Atlas order: what a paged list must end up with. */
export async function allSnapshotIds(stack: TestStack): Promise<string[]> {
  const all = await stack.query<{ project: { cluster: { snapshots: { nodes: { atlasId: string }[] } } } }>(
    allSnapshotsQuery,
    { projectId: pagedCluster.groupId, name: pagedCluster.name },
  );
  return all.data?.project.cluster.snapshots.nodes.map((n) => n.atlasId) ?? [];
}

export interface SnapshotsPageData {
  project: {
    id: string;
    cluster: {
      id: string;
      snapshots: {
        totalCount: number | null;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes?: { id: string; atlasId: string; createdAt: string | null }[];
        edges?: { cursor: string; node: { id: string; atlasId: string; createdAt?: string | null } }[];
      } | null;
    } | null;
  } | null;
}

/** The atlas ids a page (or a merged list) holds, read from whichever list the selection has. */
export function listedIds(data: SnapshotsPageData | undefined, from: 'nodes' | 'edges'): string[] | undefined {
  const snapshots = data?.project?.cluster?.snapshots;
  if (from === 'nodes') return snapshots?.nodes?.map((n) => n.atlasId);
  return snapshots?.edges?.map((e) => e.node.atlasId);
}

/** The first Cluster the dashboard shows, with its id (to refetch it by `node`). */
export interface DashboardData {
  projects: {
    totalCount: number | null;
    nodes: {
      id: string;
      name: string;
      clusters: {
        nodes: {
          id: string;
          name: string;
          stateName: string | null;
          restoreJobs: { totalCount: number | null; nodes: { id: string }[] } | null;
          exports: {
            nodes: {
              id: string;
              exportStatus: { exportedCollections: number | null; totalCollections: number | null } | null;
            }[];
          } | null;
        }[];
      } | null;
    }[];
  } | null;
}

export const nodeQuery = parse(`
  query ClusterById($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Cluster { name stateName mongoDBVersion }
    }
  }
`);
