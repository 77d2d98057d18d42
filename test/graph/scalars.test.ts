// DateTime promises UTC: what Atlas sends in UTC passes through as it is; another offset, or RFC 3339's
// lower-case letters, are told in UTC, the fraction of a second kept as written.
import { describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graph/ids.js';
import { DateTime, ObjectId } from '../../src/graph/scalars.js';

describe('DateTime', () => {
  it.each([
    ['2024-01-01T12:00:00Z', '2024-01-01T12:00:00Z'],
    ['2024-01-01T12:00:00.123456Z', '2024-01-01T12:00:00.123456Z'],
    ['2024-01-01T14:00:00+02:00', '2024-01-01T12:00:00Z'],
    ['2024-01-01T14:00:00.250+02:00', '2024-01-01T12:00:00.250Z'],
    ['2024-01-01T00:30:00.5-01:00', '2024-01-01T01:30:00.5Z'],
    ['2024-01-01T12:00:00+00:00', '2024-01-01T12:00:00Z'],
    ['2024-01-01t12:00:00z', '2024-01-01T12:00:00Z'],
    ['1969-12-31T23:59:59.750Z', '1969-12-31T23:59:59.750Z'],
    ['1970-01-01T01:00:00.250+02:00', '1969-12-31T23:00:00.250Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00Z'],
    ['2024-02-29T23:59:59.9Z', '2024-02-29T23:59:59.9Z'],
    ['2024-01-01T12:00Z', '2024-01-01T12:00Z'],
  ])('answers %s as %s', (atlas, answered) => {
    expect(DateTime.serialize(atlas)).toBe(answered);
  });

  it.each([
    '2024-02-30T12:00:00Z',
    '2024-01-01 12:00:00Z',
    '2024-01-01T12:00:00',
    'Tue, 05 Mar 2024 10:00:00 GMT',
    // Atlas's own form, each part out of range or malformed in turn (read without a regular expression).
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '2024-01-00T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T12:60:00Z',
    '2024-01-01T12:00:60Z',
    '2024-01-01T12:00:00.Z',
    '2024-01-01T12:00:00.1a2Z',
    '2024-01-01T12:00:00,5Z',
    '202a-01-01T12:00:00Z',
    '2024-1-01T12:00:00.5Z',
  ])('refuses %s as Atlas’s fault', (atlas) => {
    expect(() => DateTime.serialize(atlas)).toThrow('Atlas sent a value that is not a valid DateTime');
  });
});

describe('ObjectId', () => {
  it("names the mix-up when it is given the graph's own id instead of an Atlas id", () => {
    const atlasId = 'a'.repeat(24);
    expect(ObjectId.parseValue(atlasId)).toBe(atlasId);
    const globalId = toGlobalId('Project', atlasId);
    expect(() => ObjectId.parseValue(globalId)).toThrow(
      `ObjectId must be 24 lowercase hexadecimal characters; got "${globalId}", the graph \`id\` of a Project: pass its \`atlasId\` here (the \`id\` is for node(id:))`,
    );
    // Anything else: the rule alone.
    expect(() => ObjectId.parseValue('payments')).toThrow(/got "payments"$/);
  });
});
