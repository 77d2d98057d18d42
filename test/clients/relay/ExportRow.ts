/** One snapshot export: its progress (a value without identity, embedded in the export) and its bucket. */
import { graphql } from 'relay-runtime';

export const exportRowFragment = graphql`
  fragment ExportRow_export on Export {
    state
    createdAt
    exportStatus {
      exportedCollections
      totalCollections
    }
    exportBucket {
      id
      bucketName
      cloudProvider
    }
  }
`;
