// A Change node as the feed's statements project it (changes/poll, changes/page and the webhooks'
// dead letters and replays), checked and mapped to the model in one place, so the feed and the
// webhooks cannot drift apart in what they accept.
import { z } from 'zod';
import { changeTypes } from '../outbox/outbox.model.js';
import type { ChangeModel } from './changes.model.js';

export const changeRow = z
  .object({
    seq: z.number().int(),
    id: z.string(),
    type: z.enum(changeTypes),
    at: z.string(),
    personaIds: z.array(z.string()).nullable(),
    personIds: z.array(z.string()).nullable(),
    // Written by the outbox as JSON.stringify of the change's data: text that is not JSON is damage.
    data: z.string().nullable(),
  })
  .transform((c, ctx): ChangeModel => {
    let data: unknown = null;
    if (c.data !== null) {
      try {
        data = JSON.parse(c.data) as unknown;
      } catch {
        // An issue, not a throw: parseRows then names the statement and the change.
        ctx.addIssue({ code: 'custom', message: `change ${c.id}: data is not JSON`, path: ['data'] });
        return z.NEVER;
      }
    }
    return {
      seq: c.seq,
      id: c.id,
      type: c.type,
      at: c.at,
      personaIds: c.personaIds ?? [],
      personIds: c.personIds ?? [],
      data,
    };
  });
