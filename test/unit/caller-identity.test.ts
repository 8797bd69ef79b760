import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerIdentity, callerKey } from '../../src/model/caller.js';

/** The caller as the upstream sees it: every per-caller rule keys on this. */
describe('callerIdentity', () => {
  it('is one identity for every spelling the upstream takes as the same caller', () => {
    const spellings = [
      { authorization: 'Bearer abc.def', tenant: 'Contoso.Example' },
      { authorization: 'bearer abc.def', tenant: 'contoso.example' },
      { authorization: 'BEARER    abc.def', tenant: 'CONTOSO.EXAMPLE' },
      { authorization: ' Bearer\tabc.def ', tenant: ' contoso.Example ' },
    ];
    expect(new Set(spellings.map(callerIdentity)).size).toBe(1);
    expect(new Set(spellings.map(callerKey)).size).toBe(1);
  });

  it('tells apart callers whose token or tenant differ (a token keeps its case)', () => {
    const keys = [
      { authorization: 'Bearer abc', tenant: 'contoso.example' },
      { authorization: 'Bearer ABC', tenant: 'contoso.example' },
      { authorization: 'Bearer abc', tenant: 'fabrikam.example' },
      { authorization: 'Bearer abc contoso.example', tenant: '' },
    ].map(callerKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('never puts the token in the key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._-]{8,40}$/), fc.domain(), (token, tenant) => {
        const key = callerKey({ authorization: `Bearer ${token}`, tenant });
        expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(key.includes(token)).toBe(false);
      }),
    );
  });
});
