// Seed, projects family: the organization and its three projects. Their ids are what every other
// family hangs from; the project bodies are built last because `clusterCount` counts every deployment.
import { objectId } from '../object-ids.js';
import { DAY, ago } from '../time.js';
import type { StoredGroup } from '../store.js';

export const ORG = { id: objectId('org:acme'), name: 'acme-corp' };

function project(key: string, name: string): { id: string; name: string } {
  return { id: objectId(`group:${key}`), name };
}

export const PROJECTS = {
  payments: project('payments', 'payments-production'),
  analytics: project('analytics', 'analytics-staging'),
  inventory: project('inventory', 'inventory-legacy'),
} as const;

export type DemoProjectKey = keyof typeof PROJECTS;

/** The project bodies; `deployments` are every cluster, serverless instance and Flex cluster. */
export function buildProjects(deployments: readonly { groupId?: string; name?: string }[]): StoredGroup[] {
  const projectCreated: Record<DemoProjectKey, number> = { payments: 1100, analytics: 700, inventory: 2500 };
  return (Object.keys(PROJECTS) as DemoProjectKey[]).map((key) => {
    const { id, name } = PROJECTS[key];
    // clusterCount counts every deployment in the project, whatever its type. A serverless instance
    // migrated to Flex is one deployment seen through two APIs under one name: counted once.
    const clusterCount = new Set(deployments.filter((d) => d.groupId === id).map((d) => d.name)).size;
    return {
      id,
      name,
      orgId: ORG.id,
      clusterCount,
      created: ago(projectCreated[key] * DAY),
      withDefaultAlertsSettings: true,
      tags: [
        { key: 'cost-center', value: key === 'payments' ? 'cc-1001' : key === 'analytics' ? 'cc-2040' : 'cc-3300' },
      ],
    };
  });
}
