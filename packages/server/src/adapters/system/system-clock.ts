import type { Clock } from '@poms/core';

// Lives here until the server has an adapters/system/ room; nothing storage-specific about it.
export const systemClock: Clock = { now: () => new Date() };
