// Projects, sub-groups and memberships (admin), and the participant's own pages.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { onlyRoles } from '../../platform/auth/guards.ts';
import { sessionCookieName, sessionCookieOptions } from '../../platform/auth/session-hook.ts';
import { sendErrorPage } from '../../platform/http/errors.ts';
import { textField } from '../../platform/http/form-fields.ts';
import type { AppDeps } from '../../platform/http/request-context.ts';
import { findProgramme } from '../programme/queries.ts';
import { AFC_BANDS, ROLE_GROUPS, roleGroupLabel } from '../registration/options.ts';
import { findRegistrationByPerson, withdrawParticipant } from '../registration/service.ts';
import { acceptedParticipants, findProject, findSubgroup, myGroups, projectMembers, projectsWithGroups, subgroupMembers } from './queries.ts';
import { assign, correctMyDetails, createSubgroup, removeFromProject, removeFromSubgroup, updateSubgroup } from './service.ts';

const V = 'features/participants/views';
const adminOnly = { config: onlyRoles('admin') };
const participantOnly = { config: onlyRoles('participant') };
const id = z.coerce.number().int().positive().max(2 ** 31 - 1);
const subgroupForm = z.object({ name: textField('Name', 120, 'Enter a name for the sub-group'), description: textField('Description', 1000, null) });
const assignForm = z.object({
  target: z.string().regex(/^(project|\d{1,10})$/, 'Choose where to add them'),
  ids: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(id).min(1, 'Select at least one participant').max(500)),
});
const detailsForm = z.object({
  fullName: textField('Full name', 200, 'Enter your full name'),
  organisationName: textField('Where you work', 200, 'Enter where you work'),
  department: textField('Department or site', 200, null),
  jobTitle: textField('Job title', 200, 'Enter your job title'),
  roleGroup: z.union([z.literal(''), z.enum(ROLE_GROUPS.map((r) => r.value) as [string, ...string[]])], { error: 'Select your role from the list' }).optional().default(''),
  afcBand: z.union([z.literal(''), z.enum(AFC_BANDS.map((b) => b.value) as [string, ...string[]])], { error: 'Select your pay band from the list' }).optional().default(''),
  adjustments: textField('Adjustments', 1000, null),
});

function errorsFrom(error: z.ZodError) {
  const byField: Record<string, { text: string }> = {};
  for (const i of error.issues) byField[String(i.path[0])] ??= { text: i.message };
  return { errors: byField, errorList: Object.entries(byField).map(([k, v]) => ({ text: v.text, href: `#${k === 'ids' ? 'participants' : k}` })) };
}

const typed = (body: unknown) => Object.fromEntries(Object.entries((body ?? {}) as Record<string, unknown>).filter(([k]) => k !== '_csrf').map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v).slice(0, 1000)]));

export function participantsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.data;
  const actor = (request: FastifyRequest) => request.user!.id;

  app.get('/admin/projects', adminOnly, async (_request, reply) => {
    const programme = await findProgramme(db);
    const projects = programme ? await projectsWithGroups(db, programme.id) : [];
    return reply.view(`${V}/projects.njk`, { pageTitle: 'Projects and sub-groups', projects });
  });

  async function projectPage(request: FastifyRequest, projectId: number, extra: Record<string, unknown> = {}) {
    const project = await findProject(db, projectId);
    if (!project) return null;
    const q = typeof (request.query as Record<string, unknown>).q === 'string' ? ((request.query as Record<string, unknown>).q as string).trim().slice(0, 100) : '';
    const [groups, members, candidates] = await Promise.all([
      projectsWithGroups(db, project.programme_id).then((all) => all.find((p) => p.id === project.id)!.subgroups),
      projectMembers(db, project.id),
      acceptedParticipants(db, project.programme_id, project.id, q),
    ]);
    const flash = (request.query as Record<string, unknown>).added;
    return {
      pageTitle: project.name,
      project,
      groups,
      members,
      q,
      candidates: candidates.map((c) => ({ ...c, roleText: roleGroupLabel(c.role_group) })),
      flash: typeof flash === 'string' && /^\d+$/.test(flash) ? `${flash} added.` : (request.query as Record<string, unknown>).created ? 'Sub-group created.' : undefined,
      values: {},
      ...extra,
    };
  }

  app.get('/admin/projects/:id', adminOnly, async (request, reply) => {
    const pid = id.safeParse((request.params as Record<string, unknown>).id);
    const page = pid.success ? await projectPage(request, pid.data) : null;
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/project.njk`, page);
  });

  app.post('/admin/projects/:id/subgroups', adminOnly, async (request, reply) => {
    const pid = id.safeParse((request.params as Record<string, unknown>).id);
    const project = pid.success ? await findProject(db, pid.data) : undefined;
    if (!project) return sendErrorPage(request, reply, 404);
    const parsed = subgroupForm.safeParse(request.body ?? {});
    const result = parsed.success ? await createSubgroup(db, actor(request), project.id, parsed.data, deps.clock) : null;
    if (!result?.ok) {
      const errs = parsed.success ? { errors: { [result!.ok ? '' : result!.field]: { text: result!.ok ? '' : result!.message } }, errorList: [{ text: result!.ok ? '' : result!.message, href: '#name' }] } : errorsFrom(parsed.error);
      return reply.code(400).view(`${V}/project.njk`, (await projectPage(request, project.id, { values: typed(request.body), ...errs }))!);
    }
    return reply.redirect(`/admin/projects/${project.id}?created=1`);
  });

  app.post('/admin/projects/:id/assign', adminOnly, async (request, reply) => {
    const pid = id.safeParse((request.params as Record<string, unknown>).id);
    const project = pid.success ? await findProject(db, pid.data) : undefined;
    if (!project) return sendErrorPage(request, reply, 404);
    const parsed = assignForm.safeParse(request.body ?? {});
    let subgroupId: number | null = null;
    if (parsed.success && parsed.data.target !== 'project') {
      const group = await findSubgroup(db, Number(parsed.data.target));
      if (!group || group.project_id !== project.id) return reply.code(400).view(`${V}/project.njk`, (await projectPage(request, project.id, { errors: { target: { text: 'Choose a sub-group of this project' } }, errorList: [{ text: 'Choose a sub-group of this project', href: '#target' }] }))!);
      subgroupId = group.id;
    }
    if (!parsed.success) return reply.code(400).view(`${V}/project.njk`, (await projectPage(request, project.id, errorsFrom(parsed.error)))!);
    const result = await assign(db, actor(request), { projectId: project.id, subgroupId }, parsed.data.ids, deps.clock);
    if (result.refused) {
      const message = `${result.refused} of those selected ${result.refused === 1 ? 'is' : 'are'} not an accepted participant, so nobody was added for them`;
      return reply.code(400).view(`${V}/project.njk`, (await projectPage(request, project.id, { errors: { participants: { text: message } }, errorList: [{ text: message, href: '#participants' }] }))!);
    }
    return reply.redirect(`/admin/projects/${project.id}?added=${result.added}`);
  });

  app.post('/admin/projects/:id/members/:personId/remove', adminOnly, async (request, reply) => {
    const p = request.params as Record<string, unknown>;
    const pid = id.safeParse(p.id);
    const person = id.safeParse(p.personId);
    if (!pid.success || !person.success || !(await findProject(db, pid.data))) return sendErrorPage(request, reply, 404);
    await removeFromProject(db, actor(request), pid.data, person.data, deps.clock);
    return reply.redirect(`/admin/projects/${pid.data}`);
  });

  async function subgroupPage(subgroupId: number, extra: Record<string, unknown> = {}) {
    const group = await findSubgroup(db, subgroupId);
    if (!group) return null;
    const [project, members] = await Promise.all([findProject(db, group.project_id), subgroupMembers(db, group.id)]);
    return { pageTitle: `Sub-group: ${group.name}`, group, project, members, values: { name: group.name, description: group.description }, ...extra };
  }

  app.get('/admin/subgroups/:id', adminOnly, async (request, reply) => {
    const sid = id.safeParse((request.params as Record<string, unknown>).id);
    const page = sid.success ? await subgroupPage(sid.data) : null;
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup.njk`, page);
  });

  app.get('/admin/subgroups/:id/edit', adminOnly, async (request, reply) => {
    const sid = id.safeParse((request.params as Record<string, unknown>).id);
    const page = sid.success ? await subgroupPage(sid.data) : null;
    if (!page) return sendErrorPage(request, reply, 404);
    return reply.view(`${V}/subgroup-edit.njk`, { ...page, pageTitle: `Edit sub-group: ${page.group.name}` });
  });

  app.post('/admin/subgroups/:id/edit', adminOnly, async (request, reply) => {
    const sid = id.safeParse((request.params as Record<string, unknown>).id);
    const page = sid.success ? await subgroupPage(sid.data) : null;
    if (!page) return sendErrorPage(request, reply, 404);
    const parsed = subgroupForm.safeParse(request.body ?? {});
    const result = parsed.success ? await updateSubgroup(db, actor(request), page.group.id, parsed.data, deps.clock) : null;
    if (!result?.ok) {
      const errs = parsed.success ? { errors: { name: { text: result!.ok ? '' : result!.message } }, errorList: [{ text: result!.ok ? '' : result!.message, href: '#name' }] } : errorsFrom(parsed.error);
      return reply.code(400).view(`${V}/subgroup-edit.njk`, { ...page, pageTitle: `Edit sub-group: ${page.group.name}`, values: typed(request.body), ...errs });
    }
    return reply.redirect(`/admin/subgroups/${page.group.id}`);
  });

  app.post('/admin/subgroups/:id/members/:personId/remove', adminOnly, async (request, reply) => {
    const p = request.params as Record<string, unknown>;
    const sid = id.safeParse(p.id);
    const person = id.safeParse(p.personId);
    if (!sid.success || !person.success || !(await findSubgroup(db, sid.data))) return sendErrorPage(request, reply, 404);
    await removeFromSubgroup(db, actor(request), sid.data, person.data, deps.clock);
    return reply.redirect(`/admin/subgroups/${sid.data}`);
  });

  // The participant's own pages.
  app.get('/my', participantOnly, async (request, reply) => {
    const [programme, groups, registration] = await Promise.all([findProgramme(db), myGroups(db, request.user!.id), findRegistrationByPerson(db, request.user!.id)]);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return reply.view(`${V}/my.njk`, { pageTitle: 'Your programme', programme, groups, registration, flash: saved ? 'Your details have been saved.' : undefined });
  });

  app.get('/my/details', participantOnly, async (request, reply) => {
    const r = await findRegistrationByPerson(db, request.user!.id);
    if (!r) return reply.redirect('/my');
    const values = { fullName: r.full_name, organisationName: r.organisation_name, department: r.department ?? '', jobTitle: r.job_title, roleGroup: r.role_group ?? '', afcBand: r.afc_band ?? '', adjustments: r.adjustments ?? '' };
    return reply.view(`${V}/details.njk`, { pageTitle: 'Correct your details', values, email: r.email, roleGroups: ROLE_GROUPS, bands: AFC_BANDS });
  });

  app.post('/my/details', participantOnly, async (request, reply) => {
    const r = await findRegistrationByPerson(db, request.user!.id);
    if (!r) return reply.redirect('/my');
    const parsed = detailsForm.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).view(`${V}/details.njk`, { pageTitle: 'Correct your details', values: typed(request.body), email: r.email, roleGroups: ROLE_GROUPS, bands: AFC_BANDS, ...errorsFrom(parsed.error) });
    await correctMyDetails(db, request.user!.id, parsed.data, deps.clock);
    return reply.redirect('/my?saved=1');
  });

  app.get('/my/withdraw', participantOnly, async (_request, reply) => reply.view(`${V}/withdraw.njk`, { pageTitle: 'Withdraw from the programme' }));

  app.post('/my/withdraw', participantOnly, async (request, reply) => {
    await withdrawParticipant(db, request.user!.id, deps.clock);
    reply.clearCookie(sessionCookieName(deps), sessionCookieOptions(deps));
    return reply.redirect('/withdrawn');
  });

  app.get('/withdrawn', async (_request, reply) => reply.view(`${V}/withdrawn.njk`, { pageTitle: 'You have withdrawn' }));
}
