// A GOV.UK question-page journey: ordered steps, each asked only when it applies, answers checked
// again whenever they are used (a saved answer can go stale), a "check your answers" summary with
// change links, and answers that depend on an earlier one asked again when that one changes.
// A feature supplies the steps and stores the answers; this knows no feature.

/** Answers are a flat record; `done` lists the steps answered (optional ones may be answered with nothing). */
export type JourneyAnswers = { done?: string[] } & Record<string, unknown>;

export type JourneyField = {
  kind: 'input' | 'email' | 'textarea' | 'select' | 'radios' | 'checkboxes' | 'consent';
  name: string;
  label: string;
  hint?: string;
  items?: { value: string; text: string; hint?: string }[];
  /** For radios: the value that asks for a follow-up text field, and that field. */
  otherValue?: string;
  other?: { name: string; label: string };
  width?: string;
  autocomplete?: string;
  maxLength?: number;
};

export type StepParse<A> = { ok: true; answers: Partial<A> } | { ok: false; errors: Record<string, string> };

export type JourneyStep<A extends JourneyAnswers, C> = {
  slug: string;
  title: string;
  /** Why we ask: shown under the heading. */
  why: string;
  fields: JourneyField[];
  /** True when this step's question is the single field (the label is the page heading). */
  single: boolean;
  applies(a: A): boolean;
  parse(body: Record<string, unknown>, ctx: C): StepParse<A>;
  /** Rows for Check your answers. */
  summary(a: A, ctx: C): { key: string; value: string }[];
  /**
   * Steps that depend on this one's answer: when `changed(before, after)` says the answer changed,
   * they count as unanswered again, and `reset` may clear what they had set.
   */
  invalidates?: { steps: string[]; changed(before: A, after: A): boolean; reset?(after: A): void };
};

export type Journey<A extends JourneyAnswers, C> = ReturnType<typeof createJourney<A, C>>;

export function createJourney<A extends JourneyAnswers, C>(steps: readonly JourneyStep<A, C>[]) {
  const bySlug = new Map(steps.map((s) => [s.slug, s]));

  /** A step's saved answers as the form that would have given them, to check them again. */
  function bodyOf(step: JourneyStep<A, C>, a: A): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    for (const name of step.fields.flatMap((f) => [f.name, f.other?.name])) {
      if (!name) continue;
      const v = a[name];
      body[name] = v === true ? 'yes' : v === null || v === undefined ? undefined : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(String) : v;
    }
    return body;
  }

  /**
   * Whether a step answered earlier still passes its checks, and gives back exactly what was saved
   * (a single value where a list belongs would pass them, then break the pages that expect a list).
   */
  function recheck(step: JourneyStep<A, C>, a: A, ctx: C): StepParse<A> {
    const result = step.parse(bodyOf(step, a), ctx);
    if (!result.ok) return result;
    const again = result.answers as Record<string, unknown>;
    const same = (k: string) => JSON.stringify(a[k] ?? '') === JSON.stringify(again[k] ?? '');
    const changed = step.fields.flatMap((f) => [f.name, f.other?.name]).find((k) => k !== undefined && !same(k));
    return changed ? { ok: false, errors: { [changed]: 'Check this answer and continue' } } : result;
  }

  /** The first step to (re)answer: unanswered, or answered with something that no longer passes. */
  function firstToAnswer(a: A, ctx: C): JourneyStep<A, C> | null {
    const done = new Set(a.done ?? []);
    return steps.find((s) => s.applies(a) && (!done.has(s.slug) || !recheck(s, a, ctx).ok)) ?? null;
  }

  return {
    steps,
    step: (slug: string) => bySlug.get(slug),
    recheck,
    firstToAnswer,
    /** True when every step that applies is answered and still passes. */
    complete: (a: A, ctx: C) => firstToAnswer(a, ctx) === null,

    /** The step before this one among those that apply, for the back link. */
    previous(step: JourneyStep<A, C>, a: A): JourneyStep<A, C> | null {
      const applying = steps.filter((s) => s.applies(a));
      const i = applying.findIndex((s) => s.slug === step.slug);
      return i > 0 ? applying[i - 1]! : null;
    },

    /** Nobody skips ahead past an unanswered question; a step that does not apply is never shown. */
    redirectFor(step: JourneyStep<A, C>, a: A, ctx: C): string | null {
      const first = firstToAnswer(a, ctx);
      if (!step.applies(a)) return first?.slug ?? 'check-answers';
      if (first && steps.indexOf(first) < steps.indexOf(step)) return first.slug;
      return null;
    },

    /** The answers after this step was answered: marked done, and its dependants asked again if it changed. */
    answer(step: JourneyStep<A, C>, before: A, given: Partial<A>): A {
      const after = { ...before, ...given } as A;
      let done = new Set([...(before.done ?? []), step.slug]);
      if (step.invalidates?.changed(before, after)) {
        done = new Set([...done].filter((s) => !step.invalidates!.steps.includes(s)));
        step.invalidates.reset?.(after);
      }
      after.done = [...done];
      return after;
    },

    /** Check your answers: each applying step's rows, with the step to change them on. */
    summary(a: A, ctx: C) {
      return steps.filter((s) => s.applies(a)).flatMap((s) => s.summary(a, ctx).map((r) => ({ ...r, slug: s.slug })));
    },
  };
}
