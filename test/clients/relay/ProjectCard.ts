/** One project and its clusters; refetchable by its global id (Relay generates ProjectCardRefetchQuery). */
import { graphql } from 'relay-runtime';

export const projectCardFragment = graphql`
  fragment ProjectCard_project on Project @refetchable(queryName: "ProjectCardRefetchQuery") {
    name
    clusters(first: 10) {
      nodes {
        id
        ...ClusterRow_cluster
      }
    }
  }
`;
