// Handlers, projects family: listGroups and getGroup.
import { V2, ok, page, requireProject, withSelf, type Handler } from './shared.js';

const listGroups: Handler = (ctx) =>
  page(ctx, ctx.data.projects, (g) => withSelf(g, `${ctx.baseUrl}${V2}/groups/${g.id ?? ''}`));

const getGroup: Handler = (ctx) => {
  const groupId = requireProject(ctx);
  const group = ctx.data.projects.find((p) => p.id === groupId);
  return ok(withSelf(group ?? {}, `${ctx.baseUrl}${ctx.path}`));
};

export const projectHandlers: Record<string, Handler> = { listGroups, getGroup };
