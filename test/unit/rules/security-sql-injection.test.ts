import * as assert from 'node:assert/strict';
import { securitySqlInjection as rule } from '../../../src/core/rules/security/sql-injection';
import { covered, lines, run, assertSameAtScale } from './syntax-rule-harness';

describe('rule security/sql-injection', () => {
  it('declares itself as a syntax error', () => {
    assert.equal(rule.id, 'security/sql-injection');
    assert.equal(rule.kind, 'syntax');
    assert.equal(rule.defaultSeverity, 'error');
    assert.match(rule.rationale, /parameter/);
  });

  it('reports pool.query with a template that splices a value (node-postgres, ESM)', () => {
    const text = [
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      '',
      'export async function findUser(email: string) {',
      '  const { rows } = await pool.query(`SELECT * FROM users WHERE email = \'${email}\'`);',
      '  return rows[0];',
      '}',
    ].join('\n');
    const findings = run(rule, 'src/users.ts', text);
    assert.deepEqual(lines(findings), [5]);
    assert.equal(findings[0].ruleId, 'security/sql-injection');
    assert.equal(findings[0].severity, 'error');
    assert.equal(covered(text, findings[0]), "`SELECT * FROM users WHERE email = '${email}'`");
    assert.equal(
      findings[0].message,
      '`pool.query` gets SQL built from a template with `${…}`: a spliced value can rewrite the query. Pass it as a parameter (`$1`, `?`) or use a tagged `sql` template.',
    );
  });

  it('reports concatenation, a const built from a template, and the pg config form', () => {
    const text = [
      "const mysql = require('mysql2/promise');",
      'async function run(connection, id, status, table) {',
      "  await connection.execute('DELETE FROM sessions WHERE user_id = ' + id);",
      '  const sql = `UPDATE orders SET status = \'${status}\' WHERE id = ${id}`;',
      '  await connection.query(sql);',
      '  await client.query({ text: `SELECT count(*) FROM ${table}`, values: [] });',
      '}',
    ].join('\n');
    const findings = run(rule, 'orders.js', text);
    assert.deepEqual(lines(findings), [3, 5, 6]);
    assert.match(findings[0].message, /^`connection\.execute` gets SQL built from string concatenation:/);
    assert.match(findings[1].message, /^`connection\.query` gets SQL built from a template with `\$\{…\}` \(through `sql`\):/);
    assert.equal(covered(text, findings[2]), '`SELECT count(*) FROM ${table}`');
  });

  it('reports sqlite, knex, sequelize, postgres.js and Prisma unsafe calls', () => {
    const text = [
      'db.all(`SELECT * FROM notes WHERE owner = ${owner} ORDER BY created`, done);',
      'db.run("INSERT INTO tags (name) VALUES (\'" + name + "\')");',
      "knex('users').whereRaw(`name = '${name}'`);",
      'await knex.raw(`DROP TABLE ${table}`);',
      'await sequelize.query(`SELECT * FROM projects WHERE title LIKE \'%${q}%\'`);',
      'await sql.unsafe(`select * from accounts where id = ${id}`);',
      'await prisma.$queryRawUnsafe(`SELECT * FROM "User" WHERE id = ${id}`);',
      'const stmt = db.prepare(`SELECT * FROM t WHERE k = \'${key}\'`);',
    ].join('\n');
    assert.deepEqual(lines(run(rule, 'a.ts', text)), [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('accepts parameterised queries and tagged templates', () => {
    const text = [
      "import { sql } from 'drizzle-orm';",
      "await pool.query('SELECT * FROM users WHERE id = $1', [id]);",
      "await connection.execute('UPDATE orders SET status = ? WHERE id = ?', [status, id]);",
      'await db.query(sql`SELECT * FROM users WHERE id = ${id}`);',
      'await prisma.$queryRaw`SELECT * FROM "User" WHERE id = ${id}`;',
      'await prisma.$queryRawUnsafe(\'SELECT * FROM "User" WHERE id = $1\', id);',
      "await client.query({ text: 'SELECT * FROM t WHERE id = $1', values: [id] });",
      'await knex.raw("SELECT * FROM users WHERE id = ?", [id]);',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('accepts constants, escaped or numeric substitutions and generated placeholder lists', () => {
    const text = [
      "const TABLE = 'audit_log';",
      'const LIMIT = 100;',
      'await db.query(`SELECT * FROM ${TABLE} LIMIT ${LIMIT}`);',
      'await db.query(`SELECT * FROM users WHERE id = ${mysql.escape(id)}`);',
      'await db.query(`SELECT * FROM users LIMIT ${Number(limit)}`);',
      "await db.query(`SELECT * FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);",
      'await db.query(`SELECT * FROM users WHERE id IN (${ids.map((_, i) => `$${i + 1}`).join(", ")})`, ids);',
      'await db.query(`SELECT * FROM users WHERE id IN (${placeholders})`, ids);',
      "await db.query(`SELECT * FROM users ORDER BY name ${descending ? 'DESC' : 'ASC'}`);",
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('accepts lists of escaped names and choices between constants, not the same shapes around a raw value', () => {
    const safe = [
      "await db.query(`SELECT ${columns.map((c) => db.escapeId(c)).join(', ')} FROM t`);",
      "await db.query(`SELECT ${columns.map(quoteIdent).join(', ')} FROM t`);",
      'await db.query(`SELECT * FROM t WHERE name IN (${names.map((n) => this.platform.quoteValue(n))})`);',
      "await db.query(`SELECT * FROM t ORDER BY id ${(descending && 'DESC') || 'ASC'}`);",
      "await db.query(`SELECT * FROM t ORDER BY id ${options.direction ?? 'ASC'}`);",
      "await db.query(`SELECT * FROM t ${descending && 'ORDER BY id DESC'}`);",
      // knex's schema compilers quote identifiers with its formatter (knex 3.3).
      'const tableName = formatter.wrap(ref.TABLE_NAME);',
      'await runner.query({ sql: `ALTER TABLE ${tableName} DROP CONSTRAINT ${this.formatter.wrapIdentifier(name)}` });',
      'await db.query(`SELECT ${this.formatter.columnize(columns)} FROM ${format.ident(table)}`);',
    ];
    // `options.direction ?? 'ASC'` may be anything the caller sends.
    assert.deepEqual(lines(run(rule, 'a.ts', safe.join('\n'))), [5]);
    const raw = [
      "await db.query(`SELECT ${columns.map((c) => c.trim()).join(', ')} FROM t`);",
      'await db.query(`SELECT * FROM t WHERE name IN (${names.map((n) => n.trim())})`);',
      "await db.query(`SELECT * FROM t ORDER BY id ${direction || 'ASC'}`);",
      "await db.query(`SELECT * FROM t ORDER BY ${descending && column}`);",
      'const tableName = ref.TABLE_NAME.wrapped;',
      'await runner.query({ sql: `ALTER TABLE ${tableName} DROP CONSTRAINT ${unwrap(name)}` });',
    ];
    assert.deepEqual(lines(run(rule, 'a.ts', raw.join('\n'))), [1, 2, 3, 4, 6]);
  });

  it('ignores look-alikes: non-SQL text, cache keys, a query passed in, GraphQL and URLs', () => {
    const text = [
      'const user = cache.get(`user:${id}`);',
      'const value = map.get(prefix + key);',
      'await db.query(statement, params);',
      'await apollo.query({ query: GET_USER, variables: { id } });',
      'await router.get(`/users/${id}`, handler);',
      'const match = pattern.exec(`select ${x}`);',
      'logger.execute(`Update finished for ${name}`);',
      'await db.query(`SELECT * FROM users WHERE id = ${id}`.length);',
    ].join('\n');
    assert.deepEqual(run(rule, 'a.ts', text), []);
  });

  it('still reports a placeholder list that splices the values themselves', () => {
    const text = "await db.query(`SELECT * FROM t WHERE id IN (${ids.map((id) => `'${id}'`).join(',')})`);";
    assert.deepEqual(lines(run(rule, 'a.ts', text)), [1]);
  });

  it('judges every copy of a block in a 5,000-line file as it judges one copy (its speed: bench/rule-cost)', () => {
    const block = [
      'export async function load$N(id: string) {',
      "  const { rows } = await pool.query('SELECT * FROM t WHERE id = $1', [id]);",
      '  const cached = cache.get(`key:${id}`);',
      '  return rows.map((row) => row.name);',
      '}',
    ].join('\n');
    assertSameAtScale(rule, 'big.ts', block, 5000);
  });
});
