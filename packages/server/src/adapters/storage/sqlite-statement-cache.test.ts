import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SqliteDatabase from 'better-sqlite3';
import { withStatementCache } from './sqlite-statement-cache.ts';

function open() {
  const database = new SqliteDatabase(':memory:');
  database.exec('create table t (id integer primary key, name text)');
  database.exec("insert into t (name) values ('a'), ('b'), ('c')");
  return database;
}

describe('withStatementCache', () => {
  it('hands out the same prepared statement for the same SQL, with current results', () => {
    const database = open();
    const cached = withStatementCache(database);
    const select = 'select name from t order by id';
    const first = cached.prepare(select);
    assert.deepEqual(first.all([]), [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    cached.prepare('insert into t (name) values (?)').run(['d']);
    const again = cached.prepare(select);
    assert.equal(again, first);
    assert.equal(again.all([]).length, 4);
    cached.close();
    assert.equal(database.open, false);
  });

  it('never hands out a statement still iterating', () => {
    const cached = withStatementCache(open());
    const select = 'select id from t order by id';
    const iterating = cached.prepare(select);
    const rows = iterating.iterate([]);
    rows.next();
    const other = cached.prepare(select);
    assert.notEqual(other, iterating);
    assert.equal(other.all([]).length, 3);
    rows.return?.();
    assert.equal(cached.prepare(select), iterating, 'the cached one again once it is done');
    cached.close();
  });

  it('keeps the most recently used statements up to its size', () => {
    const cached = withStatementCache(open(), 2);
    const a = cached.prepare('select 1');
    const b = cached.prepare('select 2');
    assert.equal(cached.prepare('select 1'), a); // a is now the most recent
    cached.prepare('select 3'); // evicts b, the least recent
    assert.equal(cached.prepare('select 1'), a);
    assert.notEqual(cached.prepare('select 2'), b);
    cached.close();
  });

  it('follows a schema change', () => {
    const database = open();
    const cached = withStatementCache(database);
    const select = 'select * from t where id = 1';
    assert.deepEqual(cached.prepare(select).all([]), [{ id: 1, name: 'a' }]);
    cached.prepare("alter table t add column tier text default 'raw'").run([]);
    assert.deepEqual(cached.prepare(select).all([]), [{ id: 1, name: 'a', tier: 'raw' }]);
    cached.close();
  });
});
