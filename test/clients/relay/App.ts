/**
 * The backup dashboard as a Relay app composes it: a root query spreading each component's fragment
 * (ProjectCard, ClusterRow, RestoreJobRow, ExportRow). Compiled by relay-compiler against
 * client/schema.graphql in test/clients/relay.test.ts; never imported at run time (the `graphql` tag
 * throws unless the compiler replaced it).
 */
import { graphql } from 'relay-runtime';

export const appQuery = graphql`
  query AppQuery {
    projects(first: 10) {
      totalCount
      nodes {
        id
        ...ProjectCard_project
      }
    }
  }
`;
