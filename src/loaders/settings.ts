/**
 * Loaders of the per-cluster settings table (`clusterSettings` in ./resources.ts): one GET per cluster
 * and unit of work, keyed by the setting's path, so the same cluster asked twice costs one call.
 */
import DataLoader from 'dataloader';
import { AtlasClient } from '../atlas/client.js';
import { settle, type ItemLoader, type LoadCounter } from './planner.js';
import { clusterSettings, type ClusterKey, type ClusterSettingModels, type ClusterSettingName } from './resources.js';

export type SettingLoader<S extends ClusterSettingName> = Pick<ItemLoader<ClusterKey, ClusterSettingModels[S]>, 'load'>;

export function settingLoader<S extends ClusterSettingName>(
  name: S,
  client: AtlasClient,
  counter: LoadCounter,
): SettingLoader<S> {
  const { get } = clusterSettings[name];
  const pathOf = (key: ClusterKey) => AtlasClient.path(get, { groupId: key.groupId, clusterName: key.clusterName });
  const loader = new DataLoader<ClusterKey, ClusterSettingModels[S], string>(
    (keys) =>
      settle(keys, async (key) => {
        const raw = await client.get(get, pathOf(key));
        // Atlas names the cluster in the payload; the coordinates are stamped like every resource's.
        return Object.assign(raw, { groupId: key.groupId, clusterName: key.clusterName }) as ClusterSettingModels[S];
      }),
    { cacheKeyFn: pathOf },
  );
  return {
    load(key) {
      counter.requested++;
      return loader.load(key);
    },
  };
}
