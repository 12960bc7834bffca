// Asking for a sign-in link does the same work for an address with an account as for one
// without: the same statements, in the same order, so its timing does not tell them apart.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KyselyPlugin, OperationNode, RootOperationNode } from 'kysely';
import { testClock } from '../../../test/helpers/clock.ts';
import { createTestDatabase, TEST_ENGINE, type TestData } from '../../../test/helpers/database.ts';
import { upsertPerson } from './people.ts';
import { requestSignIn } from './sign-in.ts';

/** Records each statement's kind and the tables it names. */
function recorder(): KyselyPlugin & { statements: string[] } {
  const statements: string[] = [];
  const tables = (node: unknown, out = new Set<string>()): Set<string> => {
    if (node && typeof node === 'object') {
      const n = node as OperationNode & { table?: { identifier?: { name?: string } } };
      if (n.kind === 'TableNode' && n.table?.identifier?.name) out.add(n.table.identifier.name);
      for (const v of Object.values(node)) tables(v, out);
    }
    return out;
  };
  return {
    statements,
    transformQuery({ node }: { node: RootOperationNode }) {
      statements.push(`${node.kind} ${[...tables(node)].sort().join(',')}`);
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
}

describe(`sign-in requests do the same work either way on ${TEST_ENGINE}`, () => {
  let data: TestData;
  const clock = testClock();
  beforeEach(async () => {
    data = await createTestDatabase();
    await upsertPerson(data.db, { email: 'known@example.org', name: 'Known Person', role: 'participant' }, clock);
    const { person } = await upsertPerson(data.db, { email: 'disabled@example.org', name: 'Disabled Person', role: 'participant' }, clock);
    await data.db.updateTable('people').set({ status: 'disabled' }).where('id', '=', person.id).execute();
  });
  afterEach(() => data.close());

  const counts = async () => ({
    tokens: (await data.db.selectFrom('sign_in_tokens').select('id').execute()).length,
    mail: (await data.db.selectFrom('outbox').select('id').execute()).length,
  });

  async function statementsFor(email: string): Promise<string[]> {
    const r = recorder();
    await requestSignIn(data.db.withPlugin(r), email, 'http://localhost:3000', clock);
    return r.statements;
  }

  it('runs the same statements for a known, an unknown and a disabled address, and writes only for the known one', async () => {
    const start = await counts();
    const known = await statementsFor('known@example.org');
    const afterKnown = await counts();
    assert.deepEqual(afterKnown, { tokens: start.tokens + 1, mail: start.mail + 1 }, 'the known address got a link');

    const unknown = await statementsFor('nobody@example.org');
    const disabled = await statementsFor('disabled@example.org');
    assert.deepEqual(await counts(), afterKnown, 'nothing written for the others');

    assert.ok(known.length >= 3, known.join('; '));
    assert.deepEqual(unknown, known);
    assert.deepEqual(disabled, known);
    assert.ok(known.some((s) => s.startsWith('InsertQueryNode') && s.includes('sign_in_tokens')));
    assert.ok(known.some((s) => s.startsWith('InsertQueryNode') && s.includes('outbox')));
  });

  it('sends the known address a working link in an email to them', async () => {
    await requestSignIn(data.db, 'KNOWN@example.org', 'http://localhost:3000', clock);
    const mail = await data.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.equal(mail.to_address, 'known@example.org');
    assert.match(mail.text_body, /^Hello Known Person,/);
    assert.match(mail.text_body, /http:\/\/localhost:3000\/sign-in\/[A-Za-z0-9_-]{43}/);
    assert.equal(mail.category, 'essential');
    assert.equal(mail.priority, 0);
  });
});
