/**
 * One cluster with its restore jobs as a Relay connection, paged by `count` and `cursor` (Relay generates
 * ClusterRowPaginationQuery over `node(id:)`), and its exports.
 */
import { graphql } from 'relay-runtime';

export const clusterRowFragment = graphql`
  fragment ClusterRow_cluster on Cluster
  @refetchable(queryName: "ClusterRowPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    name
    stateName
    restoreJobs(first: $count, after: $cursor) @connection(key: "ClusterRow_restoreJobs") {
      totalCount
      edges {
        node {
          id
          ...RestoreJobRow_job
        }
      }
    }
    exports(first: 10) {
      nodes {
        id
        ...ExportRow_export
      }
    }
  }
`;
