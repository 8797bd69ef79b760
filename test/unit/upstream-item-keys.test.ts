import { describe, expect, it } from 'vitest';
import { missingItemKeys, READ_ITEM_KEYS } from '../../src/upstream/item-keys.js';

const full = Object.fromEntries(READ_ITEM_KEYS.map((key) => [key, null]));

describe('missingItemKeys', () => {
  it('names the read keys an item lacks under both spellings; null counts as present', () => {
    expect(missingItemKeys(full)).toEqual([]);
    const { operation: _operation, status: _status, ...rest } = full;
    expect(missingItemKeys(rest)).toEqual(['operation', 'status']);
    expect(missingItemKeys({ ...rest, Operation: 'CreateOrder' })).toEqual(['status']);
  });

  it('takes a key renamed by UPSTREAM_FIELD_MAP as present under its upstream name', () => {
    const { operation: _operation, ...rest } = full;
    expect(missingItemKeys({ ...rest, action: 'CreateOrder' })).toEqual(['operation']);
    expect(missingItemKeys({ ...rest, action: 'CreateOrder' }, { operation: 'action' })).toEqual([]);
  });

  it('does not list the required keys, whose absence fails the page anyway', () => {
    expect(READ_ITEM_KEYS).not.toContain('id');
    expect(READ_ITEM_KEYS).not.toContain('timestamp');
  });
});
