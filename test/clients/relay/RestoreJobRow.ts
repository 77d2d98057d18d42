/** One restore job: its state, the snapshot it restores and where it restores to. */
import { graphql } from 'relay-runtime';

export const restoreJobRowFragment = graphql`
  fragment RestoreJobRow_job on CloudBackupRestoreJob {
    state
    deliveryType
    finishedAt
    snapshot {
      id
      createdAt
      storageSizeBytes
    }
    targetCluster {
      id
      name
      project {
        id
        name
      }
    }
  }
`;
