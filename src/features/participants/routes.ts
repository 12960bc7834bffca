// Projects, sub-groups and memberships (admin), and the participant's own pages.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import type { Group } from '../../platform/audience/access.ts';
import { parseForm, type FormFailure } from '../../platform/forms/parse-form.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { textField } from '../../platform/http/form-fields.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { rowId, type ZodTypeProvider } from '../../platform/http/zod-schemas.ts';
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
  groupLeads,
  makeGroupLead,
  projectMembers,
  projectsWithGroups,
  removeFromProject,
  removeFromSubgroup,
  stopGroupLead,
  subgroupMembers,
  updateSubgroup,
  type AssignResult,
  type LeadResult,
} from './service.ts';

const V = 'features/participants/views';
const adminOnly = { config: onlyRoles('admin') };
const participantOnly = { config: onlyRoles('participant') };
const MAX_SELECTED = 1000;

const id = rowId;
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
const leadForm = z.object({
  email: z.string({ error: 'Enter their email address' }).trim().min(1, 'Enter their email address').max(320, 'Email address must be 320 characters or fewer').pipe(z.email('Enter an email address in the correct format, like name@example.org')),
});
/** Where each field's error links to, when the field's first input has another id. */
const ANCHORS: Record<string, string> = { ids: 'participants', email: 'lead-email' };

/**
 * A posted form as @fastify/formbody reads it: each field a string, or a list of strings for a
 * repeated name (checkboxes). The page's own schema (parseForm) then says what is wrong; anything
 * else reads as an empty form, so nobody filling in a form meets a bare 400.
 */
const formBody = z.record(z.string(), z.union([z.string(), z.array(z.string())])).catch({});
type FormBody = z.output<typeof formBody>;

/** One text value from a query string: the first of a repeated name, trimmed and cut to `max`. */
const queryText = (max: number) =>
  z.unknown().optional().transform((v) => {
    const first: unknown = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first.trim().slice(0, max) : '';
  });
const searchQuery = z.object({ q: queryText(100) });
const myQuery = z.object({ saved: queryText(10) });

const parse = <S extends z.ZodType>(schema: S, body: FormBody, order: string[] = []) => parseForm(schema, body, { order, anchors: ANCHORS });
const withErrors = (failure: FormFailure) => ({ errors: failure.errors, errorList: failure.errorList });

function oneError(field: string, text: string) {
  return { errors: { [field]: { text } }, errorList: [{ text, href: `#${ANCHORS[field] ?? field}` }] };
}

/** The ticks and choice to show again when the form comes back with an error. */
function selection(body: FormBody) {
  const ids = body.ids === undefined ? [] : Array.isArray(body.ids) ? body.ids : [body.ids];
  const target = typeof body.target === 'string' ? body.target.slice(0, 12) : '';
  return { selected: { target }, selectedIds: ids.slice(0, MAX_SELECTED).map((v) => v.slice(0, 12)) };
}

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

/** Why someone could not be made a lead, in words for the admin's page. */
function leadRefusalText(result: Exclude<LeadResult, { ok: true }>, group: Group): string {
  const who = result.name ?? 'They';
  switch (result.reason) {
    case 'no_account':
    case 'no_person':
      return 'No one with an active account has that email address. Check it, or add them on the people page first';
    case 'not_facilitator':
      return `${who} is not a facilitator. Only facilitators can lead a project: change their role on the people page first`;
    case 'not_participant':
      return `${who} is not a participant. A sub-group is led by one of its own members: facilitators lead projects instead`;
    case 'not_member':
      return `${who} is not a member of this sub-group. Add them as a member first`;
    case 'already_lead':
      return `${who} already leads this ${group.kind === 'project' ? 'project' : 'sub-group'}`;
    case 'no_group':
      return 'This group no longer exists';
  }
}


export function participantsRoutes(appIn: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const actor = (request: FastifyRequest) => request.user!.id;
  // People added to a project or sub-group are told (notify() in the same transaction).
  const tell = { clock: deps.clock, baseUrl: deps.config.baseUrl, secret: deps.config.sessionSecret };
  // Ids in the path are checked by their schema: anything else is the not-found page.
  const app = appIn.withTypeProvider<ZodTypeProvider>();
  const withId = { ...adminOnly, schema: { params: z.object({ id }) } };
  const withIdAndSearch = { ...adminOnly, schema: { params: z.object({ id }), querystring: searchQuery } };
  const withIdAndForm = { ...adminOnly, schema: { params: z.object({ id }), querystring: searchQuery, body: formBody } };
  const withIdAndPerson = { ...adminOnly, schema: { params: z.object({ id, personId: id }) } };
  const withIdPersonAndForm = { ...adminOnly, schema: { params: z.object({ id, personId: id }), body: formBody } };

  app.get('/admin/projects', adminOnly, async (request, reply) => {
    const programme = await request.programme();
    const projects = programme ? await projectsWithGroups(db, programme.id) : [];
    return reply.view(`${V}/projects.njk`, { pageTitle: 'Projects and sub-groups', programme, projects });
  });

  async function projectPage(projectId: number, q: string, extra: Record<string, unknown> = {}) {
    const project = await findProject(db, projectId);
    if (!project) return null;
    const [all, members, found, leads] = await Promise.all([
      projectsWithGroups(db, project.programme_id),
      projectMembers(db, project.programme_id, project.id),
      candidates(db, project.programme_id, project.id, { q }),
      groupLeads(db, { kind: 'project', id: project.id }),
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
      leads,
      values: {},
      selected: {},
      selectedIds: [],
      ...extra,
    };
  }

  async function showProject(request: FastifyRequest, reply: FastifyReply, projectId: number, q: string, status: number, extra: Record<string, unknown>) {
    const page = await projectPage(projectId, q, extra);
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.code(status).view(`${V}/project.njk`, page);
  }

  app.get('/admin/projects/:id', withIdAndSearch, async (request, reply) => {
    return showProject(request, reply, request.params.id, request.query.q, 200, {});
  });

  app.post('/admin/projects/:id/subgroups', withIdAndForm, async (request, reply) => {
    const projectId = request.params.id;
    const project = await findProject(db, projectId);
    if (!project) return sendErrorPage(request, reply, 404);
    const again = (extra: Record<string, unknown>) => showProject(request, reply, project.id, request.query.q, 400, extra);
    const parsed = parse(subgroupForm, request.body, ['name', 'description']);
    if (!parsed.ok) return again({ values: parsed.values, ...withErrors(parsed) });
    const result = await createSubgroup(db, actor(request), project.id, parsed.data, deps.clock);
    if (!result.ok) return again({ values: parsed.data, ...oneError(result.field, result.message) });
    return reply.flash(FLASH.created()).redirect(`/admin/projects/${project.id}`);
  });

  app.post('/admin/projects/:id/assign', withIdAndForm, async (request, reply) => {
    const projectId = request.params.id;
    const project = await findProject(db, projectId);
    if (!project) return sendErrorPage(request, reply, 404);
    const again = (extra: Record<string, unknown>) => showProject(request, reply, project.id, request.query.q, 400, extra);
    const parsed = parse(assignForm, request.body, ['ids', 'target']);
    if (!parsed.ok) return again({ ...selection(request.body), ...withErrors(parsed) });
    let subgroupId: number | null = null;
    if (parsed.data.target !== 'project') {
      const group = await findSubgroup(db, Number(parsed.data.target));
      if (!group || group.project_id !== project.id) return again({ ...selection(request.body), ...oneError('target', 'Choose this project or one of its sub-groups') });
      subgroupId = group.id;
    }
    const result = await assign(db, actor(request), { projectId: project.id, subgroupId }, parsed.data.ids, deps.clock, tell);
    if (result.refused.length) return again(oneError('ids', refusedMessage(result)));
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

  app.post('/admin/projects/:id/members/:personId/remove', withIdPersonAndForm, async (request, reply) => {
    const projectId = request.params.id;
    const personId = request.params.personId;
    if (!(await findProject(db, projectId))) return sendErrorPage(request, reply, 404);
    await removeFromProject(db, actor(request), projectId, personId, deps.clock);
    return reply.flash(FLASH.removed()).redirect(`/admin/projects/${projectId}`);
  });

  async function subgroupPage(subgroupId: number, q: string, extra: Record<string, unknown> = {}) {
    const group = await findSubgroup(db, subgroupId);
    if (!group) return null;
    const project = (await findProject(db, group.project_id))!;
    const [members, found, leads] = await Promise.all([
      subgroupMembers(db, project.programme_id, group.id),
      candidates(db, project.programme_id, project.id, { q, notInSubgroup: group.id }),
      groupLeads(db, { kind: 'subgroup', id: group.id }),
    ]);
    const leadIds = new Set(leads.map((l) => l.id));
    return {
      pageTitle: `Sub-group: ${group.name}`,
      group,
      project,
      leads,
      members: members.map((m) => ({ ...m, roleText: roleText(m), lead: leadIds.has(m.id) })),
      q,
      candidates: found.rows.map((c) => ({ ...c, roleText: roleText(c) })),
      total: found.total,
      limit: CANDIDATE_LIMIT,
      values: {},
      selectedIds: [],
      ...extra,
    };
  }

  app.get('/admin/subgroups/:id', withIdAndSearch, async (request, reply) => {
    const subgroupId = request.params.id;
    const page = await subgroupPage(subgroupId, request.query.q);
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup.njk`, page);
  });

  app.post('/admin/subgroups/:id/members', withIdAndForm, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    const again = async (extra: Record<string, unknown>) => reply.code(400).view(`${V}/subgroup.njk`, (await subgroupPage(group.id, request.query.q, extra))!);
    const parsed = parse(addMembersForm, request.body);
    if (!parsed.ok) return again({ ...selection(request.body), ...withErrors(parsed) });
    const result = await assign(db, actor(request), { projectId: group.project_id, subgroupId: group.id }, parsed.data.ids, deps.clock, tell);
    if (result.refused.length) return again(oneError('ids', refusedMessage(result)));
    return reply.flash(FLASH.added(result.added)).redirect(`/admin/subgroups/${group.id}`);
  });

  app.get('/admin/subgroups/:id/edit', withId, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup-edit.njk`, { pageTitle: `Edit sub-group: ${group.name}`, group, values: { name: group.name, description: group.description } });
  });

  app.post('/admin/subgroups/:id/edit', withIdAndForm, async (request, reply) => {
    const subgroupId = request.params.id;
    const group = await findSubgroup(db, subgroupId);
    if (!group) return sendErrorPage(request, reply, 404);
    const again = (extra: Record<string, unknown>) => reply.code(400).view(`${V}/subgroup-edit.njk`, { pageTitle: `Edit sub-group: ${group.name}`, group, values: parsed.ok ? parsed.data : parsed.values, ...extra });
    const parsed = parse(subgroupForm, request.body, ['name', 'description']);
    if (!parsed.ok) return again(withErrors(parsed));
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
      consequence: 'They stay in the project and its other sub-groups, and you can add them again. If they lead this sub-group, they stop leading it.',
      action: request.url.split('?')[0],
      back: `/admin/subgroups/${group.id}`,
    });
  });

  app.post('/admin/subgroups/:id/members/:personId/remove', withIdPersonAndForm, async (request, reply) => {
    const subgroupId = request.params.id;
    const personId = request.params.personId;
    if (!(await findSubgroup(db, subgroupId))) return sendErrorPage(request, reply, 404);
    await removeFromSubgroup(db, actor(request), subgroupId, personId, deps.clock);
    return reply.flash(FLASH.removed()).redirect(`/admin/subgroups/${subgroupId}`);
  });

  // Leads: an admin makes a facilitator lead of a project, and a member lead of a sub-group (the
  // access module says who may lead what, and refuses anyone else); each change is audited.
  const LEADS = {
    project: { path: (id: number) => `/admin/projects/${id}`, exists: async (id: number) => Boolean(await findProject(db, id)) },
    subgroup: { path: (id: number) => `/admin/subgroups/${id}`, exists: async (id: number) => Boolean(await findSubgroup(db, id)) },
  } as const;
  for (const kind of ['project', 'subgroup'] as const) {
    const base = kind === 'project' ? '/admin/projects' : '/admin/subgroups';
    app.post(`${base}/:id/leads`, withIdAndForm, async (request, reply) => {
      const group: Group = { kind, id: request.params.id };
      if (!(await LEADS[kind].exists(group.id))) return sendErrorPage(request, reply, 404);
      const again = async (extra: Record<string, unknown>) => {
        const page = kind === 'project' ? await projectPage(group.id, request.query.q, extra) : await subgroupPage(group.id, request.query.q, extra);
        return reply.code(400).view(`${V}/${kind}.njk`, page!);
      };
      const parsed = parse(leadForm, request.body);
      if (!parsed.ok) return again({ leadValues: parsed.values, ...withErrors(parsed) });
      const result = await makeGroupLead(db, actor(request), group, parsed.data.email, deps.clock);
      if (!result.ok) return again({ leadValues: { email: parsed.data.email }, ...oneError('email', leadRefusalText(result, group)) });
      return reply.flash(`${result.name} now leads this ${kind === 'project' ? 'project' : 'sub-group'}.`).redirect(`${LEADS[kind].path(group.id)}#leads`);
    });
    app.post(`${base}/:id/leads/:personId/stop`, withIdPersonAndForm, async (request, reply) => {
      const group: Group = { kind, id: request.params.id };
      if (!(await LEADS[kind].exists(group.id))) return sendErrorPage(request, reply, 404);
      const stopped = await stopGroupLead(db, actor(request), group, request.params.personId, deps.clock);
      return reply.flash(stopped ? 'They no longer lead it.' : 'They were not leading it: nothing has changed.').redirect(`${LEADS[kind].path(group.id)}#leads`);
    });
  }

  // The participant's own pages: everything is looked up from the signed-in person, never from
  // an id in the address, so nobody can read another person's groups or details.
  app.get('/my', { ...participantOnly, schema: { querystring: myQuery } }, async (request, reply) => {
    const personId = request.user!.id;
    const programme = await request.programme();
    const registration = await findRegistrationByPerson(db, personId);
    const withdrawn = registration?.status === 'withdrawn';
    // Each feature's section, then what is new (the platform's): only those with something for them.
    const sections = withdrawn ? [] : await app.homeSections(request.user!, { db, clock: deps.clock, programmeId: programme?.id ?? null });
    const saved = request.query.saved;
    const flash = saved === '1' ? 'Your details have been saved.' : saved === 'none' ? 'You did not change anything.' : undefined;
    return reply.view(`${V}/my.njk`, { pageTitle: 'Your programme', programme, sections, registration, withdrawn, flash });
  });
}
