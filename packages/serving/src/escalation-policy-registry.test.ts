import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEscalationPolicyRegistry } from './escalation-policy-registry';

describe('escalation policy registry', () => {
  it('lists exactly the policies/ folder, one file per policy named after its id', () => {
    const files = readdirSync(join(__dirname, 'policies'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(createEscalationPolicyRegistry().ids()).toEqual(files);
  });

  it('describes each policy with its options schema', () => {
    const listing = createEscalationPolicyRegistry().list();
    expect(listing.map((p) => p.id)).toEqual(['conversation-aware', 'default', 'priority-weighted']);
    for (const p of listing) expect(p.description.length).toBeGreaterThan(20);
  });
});
