import { describe, expect, it } from 'vitest';
import { STALE_PUBLISH_MS, openState, pendingVersion, transition } from '../../../functions/core/month/month-state';

const NOW = new Date('2026-11-05T01:00:00Z');
const OP = { kind: 'operator' as const, id: 'ops' };

describe('the month’s transitions', () => {
  it('open → lock → publish (v1) → republish (v2) → republish (v3), each bumping rev', () => {
    const open = openState('2026-10');
    const locked = transition(open, 'lock', OP, NOW);
    expect(locked).toMatchObject({ ok: true, next: { status: 'locked', version: 0, rev: 1, lockedAt: NOW.toISOString() } });
    const v1 = transition(locked.ok ? locked.next : open, 'publish', OP, NOW, 'run-1');
    expect(v1).toMatchObject({ ok: true, next: { status: 'published', version: 1, rev: 2, runId: 'run-1', completedVersion: 0 } });
    const v2 = transition({ ...(v1.ok ? v1.next : open), completedVersion: 1 }, 'republish', OP, NOW);
    expect(v2).toMatchObject({ ok: true, next: { status: 'republished', version: 2, rev: 3 } });
    const v3 = transition(v2.ok ? v2.next : open, 'republish', OP, NOW);
    expect(v3).toMatchObject({ ok: true, next: { version: 3 } });
  });

  it('publish of an open month locks it in the same step', () => {
    const t = transition(openState('2026-10'), 'publish', OP, NOW);
    expect(t).toMatchObject({ ok: true, next: { status: 'published', version: 1, lockedAt: NOW.toISOString(), publishedAt: NOW.toISOString() } });
  });

  it.each([
    ['lock', 'locked', 'already-locked'],
    ['lock', 'published', 'already-locked'],
    ['publish', 'published', 'already-published'],
    ['publish', 'republished', 'already-published'],
    ['republish', 'open', 'not-published'],
    ['republish', 'locked', 'not-published'],
  ] as const)('%s of a %s month is refused (%s), in Chinese', (action, status, code) => {
    const t = transition({ ...openState('2026-10'), status, version: status.includes('publish') ? 1 : 0 }, action, OP, NOW);
    expect(t).toMatchObject({ ok: false, code });
    expect(t.ok ? '' : t.message).toMatch(/2026-10.*[\u4e00-\u9fff]/);
  });
});

describe('pendingVersion: who may complete a claimed version', () => {
  const claimed = { ...openState('2026-10'), status: 'published' as const, version: 1, completedVersion: 0, runId: 'r1', updatedAt: NOW.toISOString() };
  it('none when complete; mine for the same run; other while fresh; stale after STALE_PUBLISH_MS', () => {
    expect(pendingVersion({ ...claimed, completedVersion: 1 }, 'r1', NOW)).toBe('none');
    expect(pendingVersion(claimed, 'r1', NOW)).toBe('mine');
    expect(pendingVersion(claimed, 'r2', new Date(NOW.getTime() + STALE_PUBLISH_MS))).toBe('other');
    expect(pendingVersion(claimed, 'r2', new Date(NOW.getTime() + STALE_PUBLISH_MS + 1))).toBe('stale');
  });
});
