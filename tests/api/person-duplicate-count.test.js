// API test for the duplicate_count of GET /persons (docs/api.md, People): it counts only
// the likely duplicates the viewer may open, by the same rule as the list itself, so a
// unit head neither is misled by nor learns of files in another unit.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { expectStatus, setupPeople, createPerson } = require('../lib/fixtures.js');

const ID_NUMBER = '110101198001011237';

let ctx;

before(async () => { ctx = await setupPeople(); });
after(async () => { if (ctx) await ctx.stop(); });

async function countOf(client, name, id) {
  const list = expectStatus(await client.get(`/persons?q=${encodeURIComponent(name)}&limit=200`),
    200, 'GET /persons').persons;
  const p = list.find((x) => x.id === id);
  assert.ok(p, `person ${id} is in the list`);
  return p.duplicate_count;
}

test('duplicate_count counts only the duplicates the viewer may see', async () => {
  const po = ctx.as.po;
  // The same name and ID number, one file in 综采一队 and one in 机电科: duplicates.
  const team = await createPerson(po, { name: '孙立新', id_number: ID_NUMBER, unit_id: ctx.units.team });
  const dept = await createPerson(po, { name: '孙立新', id_number: ID_NUMBER, unit_id: ctx.units.dept });

  // The petition office sees both files, so each has one likely duplicate.
  assert.equal(await countOf(po, '孙立新', team.id), 1);
  assert.equal(await countOf(po, '孙立新', dept.id), 1);

  // Each unit head sees only their unit's file, and no duplicate of it.
  assert.equal(await countOf(ctx.as.teamHead, '孙立新', team.id), 0,
    'the 综采一队 head is not told of the 机电科 file');
  assert.equal(await countOf(ctx.as.deptHead, '孙立新', dept.id), 0,
    'the 机电科 head is not told of the 综采一队 file');

  // A second file in 综采一队 (same name and unit) is one the team head may see.
  const again = await createPerson(po, { name: '孙立新', unit_id: ctx.units.team });
  assert.equal(await countOf(ctx.as.teamHead, '孙立新', team.id), 1);
  assert.equal(await countOf(ctx.as.teamHead, '孙立新', again.id), 1);
  assert.equal(await countOf(po, '孙立新', team.id), 2);
});
