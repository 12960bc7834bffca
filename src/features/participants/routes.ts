// Projects, sub-groups and memberships (admin), and the participant's own pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { fieldErrors } from '../../platform/http/form-errors.ts';
import { textField } from '../../platform/http/form-fields.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import type { ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
import { peopleNames } from '../../platform/auth/people.ts';
import { roleGroupLabel } from '../registration/options.ts';
import { findRegistrationByPerson } from '../registration/service.ts';
import {
  assign,
  CANDIDATE_LIMIT,
  candidates,
  createSubgroup,
  findProject,
  findSubgroup,
  myGroups,
  projectMembers,
  projectsWithGroups,
  removeFromProject,
  removeFromSubgroup,
  subgroupMembers,
  updateSubgroup,
  type AssignResult,
} from './service.ts';

const V = 'features/participants/views';
const adminOnly = { config: onlyRoles('admin') };
const participantOnly = { config: onlyRoles('participant') };
const MAX_SELECTED = 1000;

const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const subgroupForm = z.object({
  name: textField('Name', 120, 'Enter a name for the sub-group'),
  description: textField('Description', 1000, null),
});
const selectedIds = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z.array(id, { error: 'Select participants from the list' }).min(1, 'Select at least one participant').max(MAX_SELECTED, `Select ${MAX_SELECTED} participants or fewer at a time`),
);
const assignForm = z.object({
  target: z.string({ error: 'Choose where to add them' }).regex(/^(project|\d{1,10})$/, 'Choose where to add them'),
  ids: selectedIds,
});
const addMembersForm = z.object({ ids: selectedIds });
/** Where each field's error links to, when the field's first input has another id. */
const ANCHORS: Record<string, string> = { ids: 'participants' };

function errorsFrom(error: z.ZodError, order: string[] = []) {
  const { byField, list } = fieldErrors(error, order);
  return { errors: byField, errorList: list.map((e) => ({ ...e, href: `#${ANCHORS[e.href.slice(1)] ?? e.href.slice(1)}` })) };
}

function oneError(field: string, text: string) {
  return { errors: { [field]: { text } }, errorList: [{ text, href: `#${ANCHORS[field] ?? field}` }] };
}

/** What was typed, to show again with the errors: strings only, cut to a safe length. */
function echo(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    out[k] = Array.isArray(v) ? v.slice(0, MAX_SELECTED).map((x) => String(x).slice(0, 20)) : String(v).slice(0, 2000);
  }
  return out;
}

/** The ticks and choice to show again when the form comes back with an error. */
function selection(body: unknown) {
  const b = (body ?? {}) as Record<string, unknown>;
  const ids = b.ids === undefined ? [] : Array.isArray(b.ids) ? b.ids : [b.ids];
  return { selected: { target: typeof b.target === 'string' ? b.target.slice(0, 12) : '' }, selectedIds: ids.slice(0, MAX_SELECTED).map((v) => String(v).slice(0, 12)) };
}

const queryText = (request: FastifyRequest, key: string, max = 100) => {
  const v = (request.query as Record<string, unknown>)[key];
  return typeof v === 'string' ? v.trim().slice(0, max) : '';
};

const roleText = (p: { role_group: string | null; role_other: string | null }) => (p.role_group === 'other' ? p.role_other || 'Other' : roleGroupLabel(p.role_group));

function refusedMessage(result: AssignResult): string {
  const who = result.refused.map((r) => r.name ?? `an unknown person (number ${r.id})`);
  const names = who.length > 5 ? `${who.slice(0, 5).join(', ')} and ${who.length - 5} others` : who.join(', ');
  const added = result.added ? ` The others you selected were added (${result.added}).` : '';
  return `Only accepted participants can be added. Not added: ${names}.${added}`;
}

/** What the next page says after each change (shown once, through reply.flash). */
const FLASH = {
  created: () => 'Sub-group created.',
  saved: () => 'Sub-group saved.',
  added: (n) => (n ? `${n === 1 ? '1 participant' : `${n} participants`} added.` : 'They were already there: nothing has changed.'),
  removed: () => 'Removed.',
} satisfies Record<string, (n: number) => string>;


export function participantsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const actor = (request: FastifyRequest) => request.user!.id;
  // Ids in the path are checked by their schema: anything else is the not-found page.
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const withId = { ...adminOnly, schema: { params: z.object({ id }) } };
  const withIdAndPerson = { ...adminOnly, schema: { params: z.object({ id, personId: id }) } };

  app.get('/admin/projects', adminOnly, async (request, reply) => {
    const programme = await request.programme();
    const projects = programme ? await projectsWithGroups(db, programme.id) : [];
    return reply.view(`${V}/projects.njk`, { pageTitle: 'Projects and sub-groups', programme, projects });
  });

  async function projectPage(request: FastifyRequest, projectId: number, extra: Record<string, unknown> = {}) {
    const project = await findProject(db, projectId);
    if (!project) return null;
    const q = queryText(request, 'q');
    const [all, members, found] = await Promise.all([
      projectsWithGroups(db, project.programme_id),
      projectMembers(db, project.programme_id, project.id),
      candidates(db, project.programme_id, project.id, { q }),
    ]);
    return {
      pageTitle: `Project: ${project.name}`,
      project,
      groups: all.find((p) => p.id === project.id)?.subgroups ?? [],
      members: members.map((m) => ({ ...m, roleText: roleText(m) })),
      q,
      candidates: found.rows.map((c) => ({ ...c, roleText: roleText(c) })),
      total: found.total,
      limit: CANDIDATE_LIMIT,
      values: {},
      selected: {},
      selectedIds: [],
      ...extra,
    };
  }

  async function showProject(request: FastifyRequest, reply: FastifyReply, projectId: number, status: number, extra: Record<string, unknown>) {
    const page = await projectPage(request, projectId, extra);
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.code(status).view(`${V}/project.njk`, page);
  }

  app.get('/admin/projects/:id', withId, async (request, reply) => {
    return showProject(request, reply, request.params.id, 200, {});
  });

  app.post('/admin/projects/:id/subgroups', withId, async (request, reply) => {
    const projectId = request.params.id;
    const project = await findProject(db, projectId);
    if (!project) return sendErrorPage(request, reply, 404);
    const parsed = subgroupForm.safeParse(request.body ?? {});
    if (!parsed.success) return showProject(request, reply, project.id, 400, { values: echo(request.body), ...errorsFrom(parsed.error, ['name', 'description']) });
    const result = await createSubgroup(db, actor(request), project.id, parsed.data, deps.clock);
    if (!result.ok) return showProject(request, reply, project.id, 400, { values: echo(request.body), ...oneError(result.field, result.message) });
    return reply.flash(FLASH.created()).redirect(`/admin/projects/${project.id}`);
  });

  app.post('/admin/projects/:id/assign', withId, async (request, reply) => {
    const projectId = request.params.id;
    const project = await findProject(db, projectId);
    if (!project) return sendErrorPage(request, reply, 404);
    const parsed = assignForm.safeParse(request.body ?? {});
    if (!parsed.success) return showProject(request, reply, project.id, 400, { ...selection(request.body), ...errorsFrom(parsed.error, ['ids', 'target']) });
    let subgroupId: number | null = null;
    if (parsed.data.target !== 'project') {
      const group = await findSubgroup(db, Number(parsed.data.target));
      if (!group || group.project_id !== project.id) return showProject(request, reply, project.id, 400, { ...selection(request.body), ...oneError('target', 'Choose this project or one of its sub-groups') });
      subgroupId = group.id;
    }
    const result = await assign(db, actor(request), { projectId: project.id, subgroupId }, parsed.data.ids, deps.clock);
    if (result.refused.length) return showProject(request, reply, project.id, 400, oneError('ids', refusedMessage(result)));
    return reply.flash(FLASH.added(result.added)).redirect(`/admin/projects/${project.id}`);
  });

  // Removing someone asks first, on a page of its own: the links on the member lists lead here.
  app.get('/admin/projects/:id/members/:personId/remove', withIdAndPerson, async (request, reply) => {
    const project = await findProject(db, request.params.id);
    const [person] = project ? await peopleNames(db, [request.params.personId]) : [];
    if (!project || !person) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/remove.njk`, {
      pageTitle: `Remove ${person.name} from ${project.name}`,
      name: person.name,
      where: `the project ${project.name}`,
      consequence: `They will also leave every sub-group in this project. They stay an accepted participant, and you can add them again.`,
      action: request.url.split('?')[0],
      back: `/admin/projects/${project.id}`,
    });
  });

  app.post('/admin/projects/:id/members/:personId/remove', withIdAndPerson, async (request, reply) => {
    const projectId = request.params.id;
    const personId = request.params.personId;
    if (!(await findProject(db, projectId))) return sendErrorPage(request, reply, 404);
    await removeFromProject(db, actor(request), projectId, personId, deps.clock);
    return reply.flash(FLASH.removed()).redirect(`/admin/projects/${projectId}`);
  });

  async function subgroupPage(request: FastifyRequest, subgroupId: number, extra: Record<string, unknown> = {}) {
    const group = await findSubgroup(db, subgroupId);
    if (!group) return null;
    const project = (await findProject(db, group.project_id))!;
    const q = queryText(request, 'q');
    const [members, found] = await Promise.all([
      subgroupMembers(db, project.programme_id, group.id),
      candidates(db, project.programme_id, project.id, { q, notInSubgroup: group.id }),
    ]);
    return {
      pageTitle: `Sub-group: ${group.name}`,
      group,
      project,
      members: members.map((m) => ({ ...m, roleText: roleText(m) })),
      q,
      candidates: found.rows.map((c) => ({ ...c, roleText: roleText(c) })),
      total: found.total,
      limit: CANDIDATE_LIMIT,
      values: { name: group.name, description: group.description },
      selectedIds: [],
      ...extra,
    };
  }

  app.get('/admin/subgroups/:id', withId, async (request, reply) => {
    const subgroupId = request.params.id;
    const page = await subgroupPage(request, subgroupId);
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup.njk`, page);
  });

  app.post('/admin/subgroups/:id/members', withId, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    const again = async (extra: Record<string, unknown>) => reply.code(400).view(`${V}/subgroup.njk`, (await subgroupPage(request, group.id, extra))!);
    const parsed = addMembersForm.safeParse(request.body ?? {});
    if (!parsed.success) return again({ ...selection(request.body), ...errorsFrom(parsed.error) });
    const result = await assign(db, actor(request), { projectId: group.project_id, subgroupId: group.id }, parsed.data.ids, deps.clock);
    if (result.refused.length) return again(oneError('ids', refusedMessage(result)));
    return reply.flash(FLASH.added(result.added)).redirect(`/admin/subgroups/${group.id}`);
  });

  app.get('/admin/subgroups/:id/edit', withId, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup-edit.njk`, { pageTitle: `Edit sub-group: ${group.name}`, group, values: { name: group.name, description: group.description } });
  });

  app.post('/admin/subgroups/:id/edit', withId, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    const again = (extra: Record<string, unknown>) => reply.code(400).view(`${V}/subgroup-edit.njk`, { pageTitle: `Edit sub-group: ${group.name}`, group, values: echo(request.body), ...extra });
    const parsed = subgroupForm.safeParse(request.body ?? {});
    if (!parsed.success) return again(errorsFrom(parsed.error, ['name', 'description']));
    const result = await updateSubgroup(db, actor(request), group.id, parsed.data, deps.clock);
    if (!result.ok) return again(oneError(result.field, result.message));
    return reply.flash(FLASH.saved()).redirect(`/admin/subgroups/${group.id}`);
  });

  app.get('/admin/subgroups/:id/members/:personId/remove', withIdAndPerson, async (request, reply) => {
    const group = await findSubgroup(db, request.params.id);
    const [person] = group ? await peopleNames(db, [request.params.personId]) : [];
    if (!group || !person) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/remove.njk`, {
      pageTitle: `Remove ${person.name} from ${group.name}`,
      name: person.name,
      where: `the sub-group ${group.name}`,
      consequence: 'They stay in the project and its other sub-groups, and you can add them again.',
      action: request.url.split('?')[0],
      back: `/admin/subgroups/${group.id}`,
    });
  });

  app.post('/admin/subgroups/:id/members/:personId/remove', withIdAndPerson, async (request, reply) => {
    const subgroupId = request.params.id;
    const personId = request.params.personId;
    if (!(await findSubgroup(db, subgroupId))) return sendErrorPage(request, reply, 404);
    await removeFromSubgroup(db, actor(request), subgroupId, personId, deps.clock);
    return reply.flash(FLASH.removed()).redirect(`/admin/subgroups/${subgroupId}`);
  });

  // The participant's own pages: everything is looked up from the signed-in person, never from
  // an id in the address, so nobody can read another person's groups or details.
  app.get('/my', participantOnly, async (request, reply) => {
    const personId = request.user!.id;
    const programme = await request.programme();
    const [groups, registration] = await Promise.all([programme ? myGroups(db, programme.id, personId) : [], findRegistrationByPerson(db, personId)]);
    const saved = queryText(request, 'saved', 10);
    const flash = saved === '1' ? 'Your details have been saved.' : saved === 'none' ? 'You did not change anything.' : undefined;
    return reply.view(`${V}/my.njk`, { pageTitle: 'Your programme', programme, groups, registration, withdrawn: registration?.status === 'withdrawn', flash });
  });
}
