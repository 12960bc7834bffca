// A feature declares itself once: defineFeature({ ... }) in its folder's feature.ts, listed in
// src/features/index.ts. app.ts, the navigation, the job runner, the seed and the participant's
// home read everything they need from these manifests, so nothing else lists features.
// The platform knows no feature: this file only says what a manifest holds.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Role } from './db/schema.ts';
import type { Db, Tx } from './db/database.ts';
import type { AppDeps } from './http/request-context.ts';
import type { HousekeepingTask } from './jobs/housekeeping.ts';
import type { RecurringJob } from './jobs/recurring.ts';
import type { JobHandlers } from './jobs/runner.ts';
import { audiencePersonalData } from './audience/personal-data.ts';
import { declareNotificationKinds, type NotificationKind } from './notify/kinds.ts';
import { notificationsHomeSection } from './notify/home.ts';
import { notifyPersonalData } from './notify/personal-data.ts';
import type { NotifyContext } from './notify/notify.ts';
import type { Clock } from './time.ts';
import { declareWithdrawalHandler, type WithdrawalHandler } from './withdrawal.ts';

/** Who sees a navigation item: these roles, everyone, or only people who are signed out. */
export type NavAudience = readonly Role[] | 'everyone' | 'signed-out';

/**
 * The admin menu's sections, in the order the menu shows them. Each admin item names its section;
 * the menu shows a section only when it has an item, and on an admin page the section's items as
 * its sub-navigation.
 */
export const ADMIN_SECTIONS = [
  { id: 'programme', text: 'Programme' },
  { id: 'people', text: 'People' },
  { id: 'taking-part', text: 'Taking part' },
  { id: 'reports', text: 'Reports' },
  { id: 'settings', text: 'Settings' },
] as const;
export type AdminSection = (typeof ADMIN_SECTIONS)[number]['id'];

export type NavItem = {
  href: string;
  text: string;
  roles: NavAudience;
  /** Roles that do not see it although `roles` includes them (admins reach the site's home by its name in the header). */
  notFor?: readonly Role[];
  /**
   * The admin section the item belongs to. An item with a section is an admin item (shown to
   * admins in that section's sub-navigation, never in the top row); one without is a top-row link.
   */
  section?: AdminSection;
  /** Other paths whose pages belong to this item (/admin/subgroups/3 is under Projects). */
  also?: readonly string[];
  /** Lower comes first within its menu or section; items of equal order keep the list's order. */
  order?: number;
};

/** What a recurring or triggered job needs; a feature takes what it uses. */
export type FeatureJobDeps = { config: Config; db: Db; clock: Clock; notify: NotifyContext };

export type FeatureJobs = {
  /** Handlers for the job kinds the feature schedules (its kinds augment JobKinds). */
  handlers?: JobHandlers;
  recurring?: readonly RecurringJob[];
  /** Tasks for the hourly housekeeping job: each deletes what is past its time (safe to run twice). */
  housekeeping?: readonly HousekeepingTask[];
};

/** The person a home section is built for (always the signed-in person: never from the address). */
export type HomeViewer = { id: number; name: string; role: Role };

/** One feature's section of the participant's home (/my): a heading and a Nunjucks partial with its data. */
export type HomeSection = {
  heading: string;
  /** A template path under the view roots, such as features/participants/views/home-section.njk; it reads `section.data`. */
  template: string;
  data: Record<string, unknown>;
};

export type HomeContext = { db: Db; clock: Clock; programmeId: number | null };

export type FeatureSeed = {
  /** Reference data every start needs (idempotent: it adds what is missing and changes nothing else). */
  reference?: (db: Db) => Promise<unknown>;
  /**
   * The programme itself, into an empty database, in production too. Returns false when the
   * database already holds one: then nothing more is seeded (no feature's programme or demo seed).
   */
  programme?: (tx: Tx, clock: Clock) => Promise<boolean>;
  /** Invented demo data, never in production, after every programme seed (in the same transaction). */
  demo?: (tx: Tx, clock: Clock, baseUrl: string) => Promise<unknown>;
};

/** A person's rows in one feature, as plain data: each table (or part) by name, a list of rows. */
export type PersonalDataExport = Record<string, readonly Record<string, unknown>[]>;

export type PersonalData = {
  /** Every row naming the person in this feature's tables, as plain data (for a subject access request). */
  exportPerson(db: Db | Tx, personId: number): Promise<PersonalDataExport>;
  /** Deletes (or anonymises) every row naming the person in this feature's tables, in the caller's transaction. */
  erasePerson(tx: Tx, personId: number, clock: Clock): Promise<void>;
};

export type Feature = {
  /** Letters, digits and dashes; unique among features. */
  name: string;
  /** Request decorations and hooks that every route (the platform's too) may rely on: run before any routes. */
  prepare?: (app: FastifyInstance, deps: AppDeps) => void;
  routes?: (app: FastifyInstance, deps: AppDeps) => void | Promise<void>;
  navigation?: readonly NavItem[];
  /** Declared at start-up by the loader (loadFeatures), not by importing the feature. */
  notificationKinds?: readonly NotificationKind[];
  jobs?: (deps: FeatureJobDeps) => FeatureJobs | Promise<FeatureJobs>;
  /** The feature's section of /my for this person, or null when it has nothing to show them. */
  home?: (viewer: HomeViewer, ctx: HomeContext) => Promise<HomeSection | null>;
  /** Lower comes first on /my. */
  homeOrder?: number;
  /** Lets go of a person who has withdrawn from the programme, in the withdrawal's transaction (platform/withdrawal.ts). */
  onWithdraw?: WithdrawalHandler;
  seed?: FeatureSeed;
  /**
   * Required: the export and erasure of the personal data the feature holds, or 'none' when its
   * tables hold none (say so explicitly, so that a new feature cannot forget them).
   */
  personalData: PersonalData | 'none';
};

const NAME = /^[a-z][a-z0-9-]*$/;

/** Checks a manifest and returns it (typed): a bad name or navigation item fails at start, not on a page. */
export function defineFeature<const F extends Feature>(feature: F): F {
  if (!NAME.test(feature.name)) throw new Error(`Feature name "${feature.name}" may only hold lower-case letters, digits and dashes`);
  for (const item of feature.navigation ?? []) {
    if (!item.href.startsWith('/')) throw new Error(`Feature ${feature.name}: navigation link "${item.href}" must be a path on the site`);
    if (item.section && (item.roles === 'everyone' || item.roles === 'signed-out' || !item.roles.includes('admin'))) {
      throw new Error(`Feature ${feature.name}: "${item.text}" is in the admin section ${item.section}, so admins must see it`);
    }
  }
  return feature;
}

/** Checks a list of features as a whole: no name twice, no navigation link twice. */
export function checkFeatures(features: readonly Feature[]): void {
  const names = new Set<string>();
  const hrefs = new Set<string>();
  for (const f of features) {
    if (names.has(f.name)) throw new Error(`Two features are called ${f.name}`);
    names.add(f.name);
    for (const item of f.navigation ?? []) {
      const key = `${item.href} ${item.section ?? ''}`;
      if (hrefs.has(key)) throw new Error(`Two navigation items link to ${item.href}`);
      hrefs.add(key);
    }
  }
}

/**
 * Prepares a list of features for start-up: checks it, and declares every feature's notification
 * kinds (the settings page lists them; notify() refuses a kind never declared) and what each does
 * when a person withdraws. Safe to call again.
 */
export function loadFeatures(features: readonly Feature[]): readonly Feature[] {
  checkFeatures(features);
  for (const f of features) {
    declareNotificationKinds(...(f.notificationKinds ?? []));
    if (f.onWithdraw) declareWithdrawalHandler(f.name, f.onWithdraw);
  }
  return features;
}

/** A section of /my and where it goes: the features' sections, and the platform's own (what is new). */
export type HomeSource = { order: number; section: (viewer: HomeViewer, ctx: HomeContext) => Promise<HomeSection | null> };

export function homeSources(features: readonly Feature[]): HomeSource[] {
  const fromFeatures = features.flatMap((f) => (f.home ? [{ order: f.homeOrder ?? 50, section: f.home }] : []));
  const platform: HomeSource = { order: 90, section: (viewer, ctx) => notificationsHomeSection(ctx.db, viewer.id) };
  return [...fromFeatures, platform].sort((a, b) => a.order - b.order);
}

/** Every section that has something for this person, in order (an empty list: nothing yet). */
export async function homeSectionsFor(sources: readonly HomeSource[], viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection[]> {
  const sections = await Promise.all(sources.map((s) => s.section(viewer, ctx)));
  return sections.filter((s): s is HomeSection => s !== null);
}

/** The platform's own tables that hold personal data, beside the features' (people and sessions are the privacy work's). */
export const PLATFORM_PERSONAL_DATA: Readonly<Record<string, PersonalData>> = { audience: audiencePersonalData, notifications: notifyPersonalData };

/** Each feature's part in list order, then the platform's. */
function personalDataParts(features: readonly Feature[]): [string, PersonalData][] {
  const fromFeatures = features.flatMap((f): [string, PersonalData][] => (f.personalData === 'none' ? [] : [[f.name, f.personalData]]));
  return [...fromFeatures, ...Object.entries(PLATFORM_PERSONAL_DATA)];
}

/** A person's data in every feature (and the platform's audience and notification tables), by feature. */
export async function exportPersonEverywhere(features: readonly Feature[], db: Db | Tx, personId: number): Promise<Record<string, PersonalDataExport>> {
  const out: Record<string, PersonalDataExport> = {};
  for (const [name, part] of personalDataParts(features)) out[name] = await part.exportPerson(db, personId);
  return out;
}

/** Erases a person's rows in every feature, in the caller's transaction (features first, then the platform's tables). */
export async function erasePersonEverywhere(features: readonly Feature[], tx: Tx, personId: number, clock: Clock): Promise<void> {
  for (const [, part] of personalDataParts(features)) await part.erasePerson(tx, personId, clock);
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The sections of /my that have something for this person, from every feature and the platform. */
    homeSections(viewer: HomeViewer, ctx: HomeContext): Promise<HomeSection[]>;
  }
}
